"""Statements compiled once per database, run straight on the driver's cursor.

SQLAlchemy Core builds every statement of the store; running one through a Connection costs
about 0.1 ms of Python per execution (execution context, events, result wrapping), most of a
capture's time. The capture's hot statements are therefore compiled once, at start-up, and
executed on the DB-API cursor with the column types' own bind and result processors (money as
exact decimals, UTC times, JSON): the same conversions, done without the per-call machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None


class Prepared:
    """One statement compiled for one dialect, with its parameters' and columns' processors."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled: Any = statement.compile(dialect=dialect)  # an SQLCompiler: binds, positiontup
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.names: list[str] = list(compiled.positiontup or compiled.binds)
        self.bind: dict[str, Processor] = {
            name: compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.names
        }
        # Literal values of the statement (`state == "in_progress"`) are binds with a value.
        self.fixed = {name: compiled.binds[name].effective_value for name in self.names}
        self._dialect = dialect
        self._selected = list(getattr(statement, "selected_columns", None) or ())
        self.columns = [c.key for c in self._selected]
        # Result processors need the driver's type code of each column: set at the first rows.
        self.result: list[Processor] | None = None

    def _params(self, values: Mapping[str, Any]) -> Any:
        converted = {}
        for name in self.names:
            value = values[name] if name in values else self.fixed[name]
            process = self.bind[name]
            converted[name] = value if process is None else process(value)
        return tuple(converted[n] for n in self.names) if self.positional else converted

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> Any:
        """Run the statement in the connection's open transaction; the DB-API cursor."""
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(self.sql, self._params(values))
        return cursor

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The result rows as dicts, each value through its column's processor."""
        cursor = self.execute(conn, values)
        processors = self.result
        if processors is None:
            processors = self.result = [
                column.type.dialect_impl(self._dialect).result_processor(self._dialect, info[1])
                for column, info in zip(self._selected, cursor.description, strict=True)
            ]
        return [
            {
                key: value if process is None else process(value)
                for key, value, process in zip(self.columns, row, processors, strict=True)
            }
            for row in cursor.fetchall()
        ]

    def rowcount(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """How many rows the statement changed."""
        return int(self.execute(conn, values).rowcount)


Build = Callable[[str], ClauseElement]  # a statement for a dialect name


class PreparedSet:
    """Named statements (or builders of per-dialect ones), compiled once per dialect."""

    def __init__(self, **statements: ClauseElement | Build) -> None:
        self.statements = statements
        self._by_dialect: dict[str, dict[str, Prepared]] = {}

    def for_dialect(self, dialect: Dialect) -> dict[str, Prepared]:
        """Every statement compiled for this dialect (once)."""
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = {
                name: Prepared(s if isinstance(s, ClauseElement) else s(dialect.name), dialect)
                for name, s in self.statements.items()
            }
            self._by_dialect[dialect.name] = found
        return found

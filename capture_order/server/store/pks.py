"""Explicit pks for seeded rows (`seed --first-pk N`), on SQLite and PostgreSQL alike.

Real deployments number items in the millions; a test deployment seeded from N has item pks that
cross a digit count inside one order, or lie beyond 2**53. A table's numbering continues after
its highest pk when that is at or past N, so a second run never collides. SQLite gives the next
default rowid after the highest on its own; PostgreSQL's sequences are moved past the explicit
pks, so that later default inserts (captures, the sandbox's orders) never meet them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, func, select, text

from capture_order.contract.facts import request_limits
from capture_order.server.store.transaction import Transaction


class PkRangeError(ValueError):
    """The pks asked for would pass the largest the contract allows."""


def lock_numbering(tx: Transaction, tables: Sequence[Table]) -> None:
    """Hold off other writers of the tables until this transaction ends (PostgreSQL).

    SQLite's writers take turns already; on PostgreSQL two seeds could read the same highest pk.
    """
    if tx.conn.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        tx.conn.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))


def first_free(tx: Transaction, table: Table, first_pk: int, count: int) -> int:
    """The first of `count` consecutive pks from `first_pk`, after the table's highest."""
    (column,) = table.primary_key.columns
    highest = tx.conn.execute(select(func.max(column))).scalar()
    start = first_pk if highest is None or highest < first_pk else int(highest) + 1
    largest = request_limits().pk_max
    if start + count - 1 > largest:
        raise PkRangeError(
            f"{count} {table.name} pks from {start} pass {largest}, the largest pk; "
            "choose a smaller --first-pk"
        )
    return start


def advance_sequences(tx: Transaction, tables: Sequence[Table]) -> None:
    """Let each table's default pks continue after its highest (PostgreSQL's sequences)."""
    if tx.conn.dialect.name != "postgresql":
        return
    for table in tables:
        (column,) = table.primary_key.columns
        sequence = tx.conn.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column.name},
        ).scalar_one()
        # Never back: a sandbox reset may bring back rows with pks above today's highest.
        tx.conn.execute(
            text(
                f"SELECT setval(:sequence, GREATEST((SELECT max({column.name}) "
                f"FROM {table.name}), (SELECT last_value FROM {sequence})))"
            ),
            {"sequence": sequence},
        )

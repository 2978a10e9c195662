"""The store: SQLAlchemy Core over SQLite or PostgreSQL. It persists; the service decides."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, delete, insert, inspect, select, text

from capture_order.server.domain.order_model import Order, OrderItem
from capture_order.server.store import pks
from capture_order.server.store import schema as t
from capture_order.server.store.engines import backend_of, postgres_engine, sqlite_engine
from capture_order.server.store.transaction import Transaction, order_of
from capture_order.server.store.units import GroupCommitWriter, PoolUnits, Unit, UnitRunner

T = TypeVar("T")


@dataclass(frozen=True)
class NewItem:
    """An order item to create."""

    amount: Decimal
    status: str
    attributes: Mapping[str, str | bool]


@dataclass(frozen=True)
class NewOrder:
    """An order to create: every seed field, and its items."""

    fields: Mapping[str, Any]
    items: Sequence[NewItem]

    def check(self) -> None:
        """Refuse money that breaks the domain's invariants before anything is written."""
        order_of(
            0,
            self.fields,
            tuple(OrderItem(i, item.amount, item.attributes) for i, item in enumerate(self.items)),
        )


class Store:
    """Persistence for channels, tokens, orders, captures and kept answers."""

    def __init__(self, engine: Engine, units: UnitRunner) -> None:
        self.engine = engine
        self.units = units

    @classmethod
    def open(cls, url: str) -> Store:
        """A store on the database at `url`, its tables created (or brought up to date)."""
        if backend_of(url) == "sqlite":
            engine, lock = sqlite_engine(url)
            store = cls(engine, GroupCommitWriter(engine, lock))
        else:
            engine = postgres_engine(url)
            store = cls(engine, PoolUnits(engine))
        t.metadata.create_all(engine)
        _add_missing_columns(engine)
        return store

    def close(self) -> None:
        """Finish queued work and release every pooled connection."""
        self.units.close()
        self.engine.dispose()

    async def run(self, unit: Unit[T]) -> T:
        """Run a unit of work in a transaction of its own, off the event loop."""
        return await self.units.run(unit)

    def write(self, unit: Unit[T]) -> T:
        """Run a unit of work in this thread (set-up, tools and tests)."""
        return self.units.run_now(unit)

    # -- reads ----------------------------------------------------------------------

    def channel_for_token(self, token_hash: str) -> int | None:
        """The channel whose token has this hash, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.api_tokens.c.token_hash, t.api_tokens.c.channel_id).where(
                    t.api_tokens.c.token_hash == token_hash
                )
            ).first()
        if row is None or not hmac.compare_digest(row.token_hash, token_hash):
            return None
        return int(row.channel_id)

    def order(self, channel_id: int, number: str) -> Order | None:
        """The order's capture state, or None if the channel has no such order."""
        with self.engine.connect() as conn, conn.begin():
            loaded = Transaction(conn).load_order(channel_id, number, lock=False)
        return None if loaded is None else loaded.order

    # -- set-up: channels, tokens, orders --------------------------------------------

    def create_channel(self, name: str) -> int:
        """A new sales channel; returns its id."""
        query = insert(t.channels).values(name=name).returning(t.channels.c.id)
        return int(self.write(lambda tx: tx.conn.execute(query).scalar_one()))

    def add_token(self, channel_id: int, token_hash: str, now: datetime) -> None:
        """Store the hash of a new API key of the channel."""
        query = insert(t.api_tokens).values(
            token_hash=token_hash, channel_id=channel_id, created_at=now
        )
        self.write(lambda tx: tx.conn.execute(query))

    def add_orders(
        self, channel_id: int, orders: Sequence[NewOrder], *, first_pk: int | None = None
    ) -> list[list[int]]:
        """Create orders with their items in one transaction; the item pks of each order.

        With `first_pk`, the orders and the items are each numbered from it, or from after
        the highest pk of their table when that is higher (`store.pks`).
        """
        for order in orders:
            order.check()
        tables = (t.orders, t.order_items)

        def unit(tx: Transaction) -> list[list[int]]:
            if not orders:
                return []
            order_rows: list[dict[str, Any]] = [
                {"channel_id": channel_id, **o.fields} for o in orders
            ]
            item_count = sum(len(o.items) for o in orders)
            item_pk: int | None = None
            if first_pk is not None:
                pks.lock_numbering(tx, tables)
                order_pk = pks.first_free(tx, t.orders, first_pk, len(orders))
                item_pk = pks.first_free(tx, t.order_items, first_pk, item_count)
                for offset, row in enumerate(order_rows):
                    row["pk"] = order_pk + offset
            # Plain executemany, then the keys read back: RETURNING with many rows makes
            # SQLAlchemy insert row by row on SQLite.
            _bulk_insert(tx, t.orders, order_rows)
            numbers = [o.fields["number"] for o in orders]
            order_pks = _order_pks(tx, channel_id, numbers)
            item_rows: list[dict[str, Any]] = [
                {
                    "order_pk": order_pks[o.fields["number"]],
                    "amount": i.amount,
                    "status": i.status,
                    "attributes": dict(i.attributes),
                }
                for o in orders
                for i in o.items
            ]
            if item_pk is not None:
                for offset, row in enumerate(item_rows):
                    row["pk"] = item_pk + offset
            _bulk_insert(tx, t.order_items, item_rows)
            if first_pk is not None:
                pks.advance_sequences(tx, tables)
            items = _item_pks(tx, list(order_pks.values()))
            return [items.get(order_pks[number], []) for number in numbers]

        return self.write(unit)

    def purge_idempotent(self, older_than: datetime) -> int:
        """Drop kept answers created before `older_than`; returns how many."""
        table = t.idempotent_requests
        query = delete(table).where(table.c.created_at < older_than)
        return int(self.write(lambda tx: tx.conn.execute(query).rowcount))

    # -- demo data --------------------------------------------------------------------

    def demo_value(self, name: str) -> str | None:
        """A value `serve --demo` stored, or None."""
        with self.engine.connect() as conn:
            value = conn.execute(select(t.demo.c.value).where(t.demo.c.name == name)).scalar()
        return None if value is None else str(value)

    def set_demo_value(self, name: str, value: str) -> None:
        """Remember a value of the demo data, in place of an earlier one (`--reset-demo`)."""

        def unit(tx: Transaction) -> None:
            tx.conn.execute(delete(t.demo).where(t.demo.c.name == name))
            tx.conn.execute(insert(t.demo).values(name=name, value=value))

        self.write(unit)


# Rows read back per query: under every database's limit on bound parameters.
CHUNK = 900


def _bulk_insert(tx: Transaction, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight to the driver, each value through its column type's processor.

    The conversion SQLAlchemy does per statement (money as text on SQLite, UTC times, JSON),
    done column by column for all rows at once, repeated values converted once: seeding
    60,000 orders takes seconds instead of most of a minute.
    """
    if not rows:
        return
    dialect = tx.conn.dialect
    names = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    if compiled.positional:
        names = list(compiled.positiontup or ())
    columns = []
    for name in names:
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values = [row[name] for row in rows]
        columns.append(values if process is None else _converted(values, process))
    if dialect.name == "postgresql":
        # COPY: PostgreSQL's bulk path, several times faster than a pipeline of INSERTs.
        cursor = tx.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row_values in zip(*columns, strict=True):
                copy.write_row(row_values)
        return
    if compiled.positional:
        params: list[Any] = list(zip(*columns, strict=True))
    else:
        params = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
    tx.conn.exec_driver_sql(str(compiled), params)


def _converted(values: list[Any], process: Callable[[Any], Any]) -> list[Any]:
    # Decimals equal in value can differ in digits (1.0, 1.00); only other values are shared.
    done: dict[Any, Any] = {}
    out = []
    for value in values:
        if isinstance(value, Decimal | dict | list):
            out.append(process(value))
            continue
        key = (type(value), value)
        if key not in done:
            done[key] = process(value)
        out.append(done[key])
    return out


def _order_pks(tx: Transaction, channel_id: int, numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        query = select(t.orders.c.number, t.orders.c.pk).where(
            t.orders.c.channel_id == channel_id,
            t.orders.c.number.in_(numbers[start : start + CHUNK]),
        )
        found.update({row.number: int(row.pk) for row in tx.conn.execute(query)})
    return found


def _item_pks(tx: Transaction, order_pks: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for start in range(0, len(order_pks), CHUNK):
        query = (
            select(t.order_items.c.order_pk, t.order_items.c.pk)
            .where(t.order_items.c.order_pk.in_(order_pks[start : start + CHUNK]))
            .order_by(t.order_items.c.pk)
        )
        for row in tx.conn.execute(query):
            found.setdefault(int(row.order_pk), []).append(int(row.pk))
    return found


def _add_missing_columns(engine: Engine) -> None:
    """Columns added since a database was created (create_all only creates whole tables)."""
    present = {c["name"] for c in inspect(engine).get_columns("idempotent_requests")}
    if "outcome" not in present:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE idempotent_requests ADD COLUMN outcome VARCHAR(64)"))

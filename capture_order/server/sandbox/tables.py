"""The sandbox's tables, beside the store's: its state, armed faults, events, the seeded state.

They live in the server's database so that every worker process of `--workers N` shares them,
and in a MetaData of their own so that the store's schema knows nothing of the sandbox.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

from capture_order.server.store import schema
from capture_order.server.store.types import UtcDateTime

metadata = MetaData()

state = Table(
    "sandbox_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# AUTOINCREMENT on SQLite: ids are never reused, so a cursor or a fault id from before a
# reset never names something new.
faults = Table(
    "sandbox_faults",
    metadata,
    Column("id", schema.Id, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("channel_id", schema.Id),
    Column("order_number", String(schema.ORDER_NUMBER_WIDTH)),
    Column("remaining", Integer, nullable=False),
    Column("duration_ms", Integer),
    Column("retry_after", Integer),
    Column("armed_at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

events = Table(
    "sandbox_events",
    metadata,
    Column("id", schema.Id, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("type", String(32), nullable=False),
    Column("channel_id", schema.Id),
    Column("order_number", String(schema.ORDER_NUMBER_WIDTH)),
    Column("idempotency_key", String(schema.KEY_WIDTH)),
    Column("status", Integer),
    Column("code", String(64)),
    Column("fault_id", schema.Id),
    Column("detail", Text, nullable=False),
    sqlite_autoincrement=True,
)

# The seeded state: a copy of every table of the store, taken when the sandbox starts.
# Built from the store's own metadata, so a table or column the store adds is copied too.
SEEDED: dict[str, tuple[Table, Table]] = {
    table.name: (
        table,
        Table(
            f"sandbox_seed_{table.name}",
            metadata,
            *(Column(column.name, column.type) for column in table.columns),
        ),
    )
    for table in schema.metadata.sorted_tables
}

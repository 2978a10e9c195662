"""The seeded state: every table of the store copied aside at start-up, and copied back on reset."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from capture_order.server.sandbox.tables import SEEDED
from capture_order.server.store import Transaction


def take_snapshot(tx: Transaction) -> None:
    """Copy every table of the store aside, replacing an earlier copy."""
    for table, seed in SEEDED.values():
        tx.conn.execute(delete(seed))
        names = [column.name for column in table.columns]
        tx.conn.execute(insert(seed).from_select(names, select(*table.columns)))


def restore_snapshot(tx: Transaction) -> None:
    """Every table of the store back to its copy: children emptied first, parents filled first."""
    for table, _seed in reversed(SEEDED.values()):
        tx.conn.execute(delete(table))
    for table, seed in SEEDED.values():
        names = [column.name for column in table.columns]
        tx.conn.execute(insert(table).from_select(names, select(*seed.columns)))

"""Named values of the sandbox kept in the database: the admin token's hash, the clock offset."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from capture_order.server.sandbox import tables as t
from capture_order.server.store import Transaction

ADMIN_TOKEN_HASH = "admin_token_sha256"
CLOCK_OFFSET_US = "clock_offset_microseconds"


def read_value(tx: Transaction, name: str) -> str | None:
    """A stored value, or None."""
    query = select(t.state.c.value).where(t.state.c.name == name)
    value = tx.conn.execute(query).scalar()
    return None if value is None else str(value)


def write_value(tx: Transaction, name: str, value: str) -> None:
    """Store a value (replacing the last one)."""
    tx.conn.execute(delete(t.state).where(t.state.c.name == name))
    tx.conn.execute(insert(t.state).values(name=name, value=value))

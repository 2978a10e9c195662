"""The sandbox clock: real time plus an offset kept in the database, so all workers agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from capture_order.server import wire
from capture_order.server.sandbox.state import CLOCK_OFFSET_US, read_value, write_value
from capture_order.server.services import utc_now
from capture_order.server.store import Transaction

# Bounds of a set or advanced clock: far enough for any test, and no datetime overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


class SandboxClock:
    """The server's clock: real time shifted by `offset` (refreshed from the database)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utc_now() + self.offset


def read_offset(tx: Transaction) -> timedelta:
    """The stored offset from real time (zero when none is stored)."""
    value = read_value(tx, CLOCK_OFFSET_US)
    return timedelta(microseconds=int(value)) if value else timedelta(0)


def write_offset(tx: Transaction, offset: timedelta) -> None:
    """Store the offset from real time."""
    write_value(tx, CLOCK_OFFSET_US, str(offset // timedelta(microseconds=1)))


def in_range(moment: datetime) -> bool:
    """Whether a clock may show this time."""
    return EARLIEST <= moment < LATEST


def clock_document(clock: SandboxClock) -> dict[str, Any]:
    """The Clock body."""
    return {"now": wire.timestamp(clock()), "offset_seconds": clock.offset.total_seconds()}

"""Armed faults: what each does, which capture requests it matches, and taking one for a request.

A fault is taken in a transaction of its own (its `remaining` count decremented, the row gone
when spent), so that N means N over every worker process.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from capture_order.server import wire
from capture_order.server.sandbox import client_answers
from capture_order.server.sandbox import tables as t
from capture_order.server.store import Transaction

KINDS = (
    "internal_error",
    "service_unavailable",
    "delay",
    "drop_before_commit",
    "drop_after_commit",
    "hold",
)
TIMED = ("delay", "hold")  # the kinds that take `duration_ms`
DEFAULT_DURATION_MS = 1000
DEFAULT_RETRY_AFTER = 1
# A concurrent request can spend the fault picked between the select and the update.
TAKE_ATTEMPTS = 5
_faults = t.faults


class NotApplicableError(ValueError):
    """A fault parameter its kind does not take."""

    def __init__(self, field: str, kind: str) -> None:
        super().__init__(f"{field} does not apply to {kind} faults")
        self.field = field


class ArmedFault(client_answers.Fault):
    """An armed fault: the value the client reads (`client_answers.Fault`), its body, its words."""

    def document(self) -> dict[str, Any]:
        """The Fault body."""
        return {
            "id": self.id,
            "kind": self.kind,
            "match": {"channel": self.channel, "order": self.order},
            "remaining": self.remaining,
            "duration_ms": self.duration_ms,
            "retry_after": self.retry_after,
            "armed_at": wire.timestamp(self.armed_at),
        }

    def describe(self) -> str:
        """The fault in a few words, for events."""
        what = self.kind
        if self.duration_ms is not None:
            what += f" {self.duration_ms} ms"
        if self.retry_after is not None:
            what += f" (Retry-After {self.retry_after})"
        scope = [f"channel {self.channel}"] if self.channel is not None else []
        scope += [f"order {self.order}"] if self.order is not None else []
        return f"{what} for {' and '.join(scope) or 'any capture'}"


def fault_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a schema-valid NewFault, defaults filled; NotApplicableError otherwise."""
    kind: str = body["kind"]
    match = body.get("match") or {}
    if "duration_ms" in body and kind not in TIMED:
        raise NotApplicableError("duration_ms", kind)
    if "retry_after" in body and kind != "service_unavailable":
        raise NotApplicableError("retry_after", kind)
    return {
        "kind": kind,
        "channel_id": match.get("channel"),
        "order_number": match.get("order"),
        "remaining": body.get("count", 1),
        "duration_ms": body.get("duration_ms", DEFAULT_DURATION_MS) if kind in TIMED else None,
        "retry_after": (
            body.get("retry_after", DEFAULT_RETRY_AFTER) if kind == "service_unavailable" else None
        ),
    }


def arm(tx: Transaction, values: Mapping[str, Any], now: datetime) -> ArmedFault:
    """Arm a fault; the fault as stored."""
    query = insert(_faults).values(**values, armed_at=now).returning(_faults.c.id)
    fault_id = int(tx.conn.execute(query).scalar_one())
    found = get(tx, fault_id)
    assert found is not None
    return found


def armed(tx: Transaction) -> list[ArmedFault]:
    """Every armed fault, the first to act first."""
    return [_fault(row) for row in tx.conn.execute(select(_faults).order_by(_faults.c.id))]


def get(tx: Transaction, fault_id: int) -> ArmedFault | None:
    """An armed fault, or None."""
    row = tx.conn.execute(select(_faults).where(_faults.c.id == fault_id)).first()
    return None if row is None else _fault(row)


def disarm(tx: Transaction, fault_id: int) -> ArmedFault | None:
    """Disarm one fault; the fault, or None when none is armed with this id."""
    found = get(tx, fault_id)
    if found is not None:
        tx.conn.execute(delete(_faults).where(_faults.c.id == fault_id))
    return found


def disarm_all(tx: Transaction) -> list[ArmedFault]:
    """Disarm every fault; those that were armed."""
    found = armed(tx)
    tx.conn.execute(delete(_faults))
    return found


def take(tx: Transaction, channel: int, order: str) -> ArmedFault | None:
    """The first armed fault matching a capture request, spent once; None when none matches."""
    matching = (
        select(_faults)
        .where(
            _faults.c.remaining > 0,
            or_(_faults.c.channel_id.is_(None), _faults.c.channel_id == channel),
            or_(_faults.c.order_number.is_(None), _faults.c.order_number == order),
        )
        .order_by(_faults.c.id)
        .limit(1)
    )
    for _ in range(TAKE_ATTEMPTS):
        row = tx.conn.execute(matching).first()
        if row is None:
            return None
        spend = (
            update(_faults)
            .where(_faults.c.id == row.id, _faults.c.remaining > 0)
            .values(remaining=_faults.c.remaining - 1)
        )
        if tx.conn.execute(spend).rowcount == 1:
            if row.remaining == 1:
                tx.conn.execute(delete(_faults).where(_faults.c.id == row.id))
            return _fault(row)
    return None


def _fault(row: Any) -> ArmedFault:
    return ArmedFault(
        id=int(row.id),
        kind=row.kind,
        channel=None if row.channel_id is None else int(row.channel_id),
        order=row.order_number,
        remaining=int(row.remaining),
        duration_ms=row.duration_ms,
        retry_after=row.retry_after,
        armed_at=row.armed_at,
    )

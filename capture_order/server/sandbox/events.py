"""The event log: what the server did, kept in the database, read newest first by cursor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from capture_order.server import wire
from capture_order.server.capture_service import Reply
from capture_order.server.sandbox import tables as t
from capture_order.server.store import Transaction

DEFAULT_LIMIT = 100
_events = t.events


@dataclass(frozen=True)
class EventRecord:
    """One thing that happened, before it is stored (the store gives it its id and time)."""

    type: str
    detail: str
    channel: int | None = None
    order: str | None = None
    key: str | None = None
    status: int | None = None
    code: str | None = None
    fault: int | None = None


def capture_event(channel: int, order: str, key: str | None, reply: Reply) -> EventRecord:
    """The event of a capture request's answer: captured, replayed, conflict or refused."""
    answer = reply.answer
    if reply.replayed:
        kind, detail = "capture.replayed", f"replayed the kept {answer.status} answer"
    elif answer.status == 200:
        kind, detail = "capture.captured", f"captured ({answer.outcome})"
    elif answer.status == 409:
        kind, detail = "capture.conflict", f"409 {answer.outcome}"
    else:
        kind, detail = "capture.refused", f"{answer.status} {answer.outcome}"
    return EventRecord(kind, detail, channel, order, key, answer.status, answer.outcome)


def record(tx: Transaction, at: datetime, events: Sequence[EventRecord]) -> None:
    """Append events, in the order given."""
    for event in events:
        tx.conn.execute(
            insert(_events).values(
                at=at,
                type=event.type,
                channel_id=event.channel,
                order_number=event.order,
                idempotency_key=event.key,
                status=event.status,
                code=event.code,
                fault_id=event.fault,
                detail=event.detail,
            )
        )


def clear(tx: Transaction) -> None:
    """Forget every event (ids keep increasing)."""
    tx.conn.execute(delete(_events))


def page(tx: Transaction, since: int | None, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """An EventPage: the newest events, or the oldest `limit` after `since`; newest first."""
    query = select(_events)
    if since is None:
        rows = list(tx.conn.execute(query.order_by(_events.c.id.desc()).limit(limit)))
        more = False
    else:
        after = query.where(_events.c.id > since).order_by(_events.c.id).limit(limit + 1)
        rows = list(tx.conn.execute(after))
        more = len(rows) > limit
        rows = rows[:limit][::-1]
    if rows:
        cursor = int(rows[0].id)
    elif since is None:
        cursor = int(tx.conn.execute(select(func.coalesce(func.max(_events.c.id), 0))).scalar_one())
    else:
        cursor = since
    return {"events": [_document(row) for row in rows], "cursor": cursor, "more": more}


def _document(row: Any) -> dict[str, Any]:
    return {
        "id": int(row.id),
        "at": wire.timestamp(row.at),
        "type": row.type,
        "channel": None if row.channel_id is None else int(row.channel_id),
        "order": row.order_number,
        "idempotency_key": row.idempotency_key,
        "status": row.status,
        "code": row.code,
        "fault": None if row.fault_id is None else int(row.fault_id),
        "detail": row.detail,
    }

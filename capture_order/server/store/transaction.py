"""What one database transaction does for a capture: load, write, and keep keys and answers.

The statements are built once, at import, and compiled once per database (`prepared`), so a
request only binds its values.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from capture_order.server.answering import ServerAnswer
from capture_order.server.domain.capture_plan import Capture
from capture_order.server.domain.order_model import Order, OrderItem
from capture_order.server.store import schema as t
from capture_order.server.store.prepared import PreparedSet
from capture_order.server.store.results import Claim, LoadedOrder, StoredKeyState

# An in-progress key older than this belongs to a request that died (its capture
# rolled back with it), so a retry may run it again.
IN_PROGRESS_LEASE = timedelta(seconds=30)

_orders, _items, _keys = t.orders, t.order_items, t.idempotent_requests
_KEY_WHERE = (_keys.c.channel_id == bindparam("p_channel_id"), _keys.c.key == bindparam("p_key"))
_ITEM_CAPTURED: dict[str, Any] = {
    "capture_id": bindparam("p_capture_id"),
    "captured_at": bindparam("p_now"),
}
_ORDER = select(_orders).where(
    _orders.c.channel_id == bindparam("p_channel_id"), _orders.c.number == bindparam("p_number")
)
_INSERT_KEY: dict[str, Any] = {  # both dialects' INSERT ... ON CONFLICT DO NOTHING
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}
STATEMENTS = PreparedSet(
    order=_ORDER,
    # PostgreSQL: the row lock serializes captures of this order across processes and hosts.
    # SQLite ignores it; its one writer at a time already serializes them.
    order_locked=_ORDER.with_for_update(),
    items=select(_items.c.pk, _items.c.amount, _items.c.attributes, _items.c.captured_at)
    .where(_items.c.order_pk == bindparam("p_order_pk"))
    .order_by(_items.c.pk),
    new_capture=insert(t.captures)
    .values(
        order_pk=bindparam("p_order_pk"),
        amount=bindparam("p_amount"),
        captured_at=bindparam("p_now"),
    )
    .returning(t.captures.c.id),
    capture_item=update(_items)
    .where(_items.c.pk == bindparam("p_item_pk"), _items.c.capture_id.is_(None))
    .values(**_ITEM_CAPTURED),
    # PostgreSQL: every item of a capture in one statement (one round trip, not one per item).
    capture_items=lambda dialect: (
        update(_items)
        .where(
            _items.c.pk == func.any(bindparam("p_pks", type_=postgresql.ARRAY(BigInteger)))
            if dialect == "postgresql"
            else _items.c.pk == bindparam("p_pks"),
            _items.c.capture_id.is_(None),
        )
        .values(**_ITEM_CAPTURED)
    ),
    capture_item_with_attributes=update(_items)
    .where(_items.c.pk == bindparam("p_item_pk"), _items.c.capture_id.is_(None))
    .values(**_ITEM_CAPTURED, attributes=bindparam("p_attributes")),
    captured_total=update(_orders)
    .where(_orders.c.pk == bindparam("p_order_pk"))
    .values(captured_amount=bindparam("p_total"), modified_date=bindparam("p_now")),
    key=select(_keys).where(*_KEY_WHERE).with_for_update(),
    drop_key=delete(_keys).where(*_KEY_WHERE),
    release_key=delete(_keys).where(*_KEY_WHERE, _keys.c.state == "in_progress"),
    complete_key=update(_keys)
    .where(*_KEY_WHERE)
    .values(
        state="completed",
        status=bindparam("p_status"),
        body=bindparam("p_body"),
        outcome=bindparam("p_outcome"),
    ),
    claim_key=lambda dialect: (
        _INSERT_KEY[dialect](_keys)
        .values(
            channel_id=bindparam("p_channel_id"),
            key=bindparam("p_key"),
            fingerprint=bindparam("p_fingerprint"),
            state="in_progress",
            created_at=bindparam("p_now"),
        )
        .on_conflict_do_nothing()
    ),
)


class CaptureConflictError(RuntimeError):
    """An item changed under a held lock: never capture twice, fail the unit instead."""


def order_of(pk: int, fields: Mapping[str, Any], items: tuple[OrderItem, ...]) -> Order:
    """The domain's Order of an order row (or of the fields of one to create), with its items."""
    return Order(
        id=pk,
        number=fields["number"],
        status=fields["status"],
        cancel_status=fields["cancel_status"],
        currency=fields["currency"],
        amount=fields["amount"],
        captured_amount=fields["captured_amount"],
        items=items,
    )


class Transaction:
    """One open transaction of the store."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sql = STATEMENTS.for_dialect(conn.dialect)

    # -- orders -------------------------------------------------------------------

    def load_order(self, channel_id: int, number: str, *, lock: bool = True) -> LoadedOrder | None:
        """The channel's order with this number (locked for the capture), or None."""
        where = {"p_channel_id": channel_id, "p_number": number}
        rows = self.sql["order_locked" if lock else "order"].rows(self.conn, where)
        if not rows:
            return None
        values = rows[0]
        items = self.sql["items"].rows(self.conn, {"p_order_pk": values["pk"]})
        order = order_of(
            values["pk"],
            values,
            tuple(
                OrderItem(i["pk"], i["amount"], i["attributes"], i["captured_at"]) for i in items
            ),
        )
        return LoadedOrder(values, order)

    def write_capture(self, loaded: LoadedOrder, capture: Capture) -> dict[str, Any]:
        """Persist a planned capture; returns the order row as it is now."""
        now = capture.captured_at
        order_pk = loaded.row["pk"]
        cursor = self.sql["new_capture"].execute(
            self.conn, {"p_order_pk": order_pk, "p_amount": capture.amount, "p_now": now}
        )
        capture_id = cursor.fetchone()[0]
        before = {item.pk: item.attributes for item in loaded.order.items}
        written = 0
        plain = [item.pk for item in capture.items if item.attributes == before.get(item.pk)]
        if plain and self.conn.dialect.name == "postgresql":
            values = {"p_pks": plain, "p_capture_id": capture_id, "p_now": now}
            written += self.sql["capture_items"].rowcount(self.conn, values)
            plain = []
        for item in capture.items:
            values = {"p_item_pk": item.pk, "p_capture_id": capture_id, "p_now": now}
            if item.pk in plain:
                written += self.sql["capture_item"].rowcount(self.conn, values)
            elif item.attributes != before.get(item.pk):
                values["p_attributes"] = dict(item.attributes)
                written += self.sql["capture_item_with_attributes"].rowcount(self.conn, values)
        if written != len(capture.items):
            # Another writer got in despite the lock: refuse to capture anything twice.
            raise CaptureConflictError(f"order {order_pk}: an item changed during the capture")
        total = capture.order_captured_amount
        self.sql["captured_total"].execute(
            self.conn, {"p_order_pk": order_pk, "p_total": total, "p_now": now}
        )
        return {**loaded.row, "captured_amount": total, "modified_date": now}

    # -- idempotency keys ------------------------------------------------------------

    def claim_key(
        self, channel_id: int, key: str, fingerprint: str, now: datetime, retention: timedelta
    ) -> Claim:
        """Claim the key for a new request, or say why not (replay, in progress, reused)."""
        where = {"p_channel_id": channel_id, "p_key": key}
        rows = self.sql["key"].rows(self.conn, where)
        if rows and not _stale(rows[0], now, retention):
            return _standing(rows[0], fingerprint)
        if rows:
            self.sql["drop_key"].execute(self.conn, where)
        claim = {**where, "p_fingerprint": fingerprint, "p_now": now}
        if self.sql["claim_key"].rowcount(self.conn, claim) == 1:
            return StoredKeyState.STARTED
        # PostgreSQL: a concurrent first use inserted the key (we waited for it); its row decides.
        rows = self.sql["key"].rows(self.conn, where)
        return StoredKeyState.IN_PROGRESS if not rows else _standing(rows[0], fingerprint)

    def complete_key(self, channel_id: int, key: str, answer: ServerAnswer) -> None:
        """Keep the answer under the key, in the transaction that produced it."""
        self.sql["complete_key"].execute(
            self.conn,
            {
                "p_channel_id": channel_id,
                "p_key": key,
                "p_status": answer.status,
                "p_body": answer.body.decode("utf-8"),
                "p_outcome": answer.outcome,
            },
        )

    def release_key(self, channel_id: int, key: str) -> None:
        """Forget a claimed key whose request failed before completing."""
        self.sql["release_key"].execute(self.conn, {"p_channel_id": channel_id, "p_key": key})


def _stale(row: dict[str, Any], now: datetime, retention: timedelta) -> bool:
    created: datetime = row["created_at"]
    return created < now - retention or (
        row["state"] == "in_progress" and created < now - IN_PROGRESS_LEASE
    )


def _standing(row: dict[str, Any], fingerprint: str) -> Claim:
    # The body decides first: another body under a running key is a client error (422),
    # whatever the first request is doing.
    if not hmac.compare_digest(row["fingerprint"], fingerprint):
        return StoredKeyState.REUSED
    if row["state"] != "completed":
        return StoredKeyState.IN_PROGRESS
    # Rows kept before the outcome column existed carry none; only the log line shows it.
    body = str(row["body"]).encode("utf-8")
    return ServerAnswer(int(row["status"]), body, row["outcome"] or "replayed")

"""The store: SQLAlchemy Core over SQLite or PostgreSQL, one transaction per capture."""

from __future__ import annotations

import hmac
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from server.domain.capture import CaptureRequest, plan_capture
from server.domain.errors import CaptureError
from server.domain.orders import Order, OrderItem
from server.store import schema as t
from server.store.engines import BEGIN_MODE, engine_for
from server.store.results import Captured, KeyState, Outcome, Render, StoredResponse

# An in-progress key older than this belongs to a request that died (its capture
# rolled back with it), so a retry may run it again.
IN_PROGRESS_LEASE = timedelta(seconds=30)


@dataclass(frozen=True)
class NewItem:
    """An order item to create."""

    amount: Decimal
    status: str
    attributes: Mapping[str, str | bool]


def _new_id(result: Any) -> int:
    """The primary key an INSERT created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


class Store:
    """Persistence for channels, tokens, orders, captures and idempotent responses."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        """A store on the database at `url`, its tables created if missing."""
        store = cls(engine_for(url))
        t.metadata.create_all(store.engine)
        return store

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        # On SQLite: BEGIN IMMEDIATE, the database write lock, for the whole unit.
        with self.engine.connect() as conn:
            conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # -- tokens and channels ------------------------------------------------------

    def create_channel(self, name: str) -> int:
        """A new sales channel; returns its id."""
        with self._write() as conn:
            return _new_id(conn.execute(insert(t.channels).values(name=name)))

    def add_token(self, channel_id: int, token_hash: str, now: datetime) -> None:
        """Store the hash of a new API key of the channel."""
        with self._write() as conn:
            conn.execute(
                insert(t.api_tokens).values(
                    token_hash=token_hash, channel_id=channel_id, created_at=now
                )
            )

    def channel_for_token(self, token_hash: str) -> int | None:
        """The channel whose token has this hash, or None."""
        with self._read() as conn:
            row = conn.execute(
                select(t.api_tokens.c.token_hash, t.api_tokens.c.channel_id).where(
                    t.api_tokens.c.token_hash == token_hash
                )
            ).first()
        if row is None or not hmac.compare_digest(row.token_hash, token_hash):
            return None
        return int(row.channel_id)

    # -- orders -------------------------------------------------------------------

    def add_order(
        self, channel_id: int, fields: Mapping[str, Any], items: Sequence[NewItem]
    ) -> tuple[int, list[int]]:
        """Create an order with its items; returns the order pk and the item pks."""
        with self._write() as conn:
            order_pk = _new_id(
                conn.execute(insert(t.orders).values(channel_id=channel_id, **fields))
            )
            item_pks = [
                _new_id(
                    conn.execute(
                        insert(t.order_items).values(
                            order_pk=order_pk,
                            amount=item.amount,
                            status=item.status,
                            attributes=dict(item.attributes),
                        )
                    )
                )
                for item in items
            ]
            # Refuse money that breaks the invariants before it is committed.
            self._load_order(conn, channel_id, fields["number"], lock=False)
        return order_pk, item_pks

    def order(self, channel_id: int, number: str) -> Order | None:
        """The order's capture state, or None if the channel has no such order."""
        with self._read() as conn:
            loaded = self._load_order(conn, channel_id, number, lock=False)
        return None if loaded is None else loaded[1]

    def _load_order(
        self, conn: Connection, channel_id: int, number: str, *, lock: bool
    ) -> tuple[dict[str, Any], Order] | None:
        query = select(t.orders).where(
            t.orders.c.channel_id == channel_id, t.orders.c.number == number
        )
        if lock:
            # PostgreSQL: the row lock serializes captures of this order across
            # processes. SQLite ignores it; BEGIN IMMEDIATE already serializes.
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            return None
        items = conn.execute(
            select(t.order_items)
            .where(t.order_items.c.order_pk == row["pk"])
            .order_by(t.order_items.c.pk)
        ).mappings()
        order = Order(
            id=row["pk"],
            number=row["number"],
            status=row["status"],
            cancel_status=row["cancel_status"],
            currency=row["currency"],
            amount=row["amount"],
            captured_amount=row["captured_amount"],
            items=tuple(
                OrderItem(i["pk"], i["amount"], i["attributes"], i["captured_at"]) for i in items
            ),
        )
        return dict(row), order

    # -- capture ------------------------------------------------------------------

    def capture(
        self,
        channel_id: int,
        request: CaptureRequest,
        now: datetime,
        render: Render,
        idempotency_key: str | None = None,
    ) -> StoredResponse:
        """Run one capture in one transaction; its response is stored with it, atomically."""
        with self._write() as conn:
            loaded = self._load_order(conn, channel_id, request.order_number, lock=True)
            outcome: Outcome
            try:
                capture = plan_capture(loaded[1] if loaded else None, request, now)
            except CaptureError as refused:
                outcome = refused
            else:
                assert loaded is not None
                row = loaded[0]
                capture_id = _new_id(
                    conn.execute(
                        insert(t.captures).values(
                            order_pk=row["pk"], amount=capture.amount, captured_at=now
                        )
                    )
                )
                for item in capture.items:
                    changed = conn.execute(
                        update(t.order_items)
                        .where(
                            t.order_items.c.pk == item.pk,
                            t.order_items.c.capture_id.is_(None),
                        )
                        .values(
                            capture_id=capture_id,
                            captured_at=now,
                            attributes=dict(item.attributes),
                        )
                    ).rowcount
                    if changed != 1:
                        # Another writer got in despite the lock: refuse to double-capture.
                        raise RuntimeError(f"order item {item.pk} changed during capture")
                conn.execute(
                    update(t.orders)
                    .where(t.orders.c.pk == row["pk"])
                    .values(captured_amount=capture.order_captured_amount, modified_date=now)
                )
                after = {**row, "captured_amount": capture.order_captured_amount}
                outcome = Captured({**after, "modified_date": now}, capture)
            response = render(outcome)
            if idempotency_key is not None:
                conn.execute(
                    update(t.idempotent_requests)
                    .where(
                        t.idempotent_requests.c.channel_id == channel_id,
                        t.idempotent_requests.c.key == idempotency_key,
                    )
                    .values(state="completed", status=response.status, body=response.body)
                )
        return response

    # -- idempotency --------------------------------------------------------------

    def begin_idempotent(
        self,
        channel_id: int,
        key: str,
        fingerprint: str,
        now: datetime,
        retention: timedelta,
    ) -> KeyState | StoredResponse:
        """Claim the key for a new request, or say why not (replay, in progress, reused)."""
        try:
            return self._begin_idempotent(channel_id, key, fingerprint, now, retention)
        except IntegrityError:
            # PostgreSQL: a concurrent first use inserted the key; its row decides now.
            return self._begin_idempotent(channel_id, key, fingerprint, now, retention)

    def _begin_idempotent(
        self,
        channel_id: int,
        key: str,
        fingerprint: str,
        now: datetime,
        retention: timedelta,
    ) -> KeyState | StoredResponse:
        table = t.idempotent_requests
        where = (table.c.channel_id == channel_id, table.c.key == key)
        with self._write() as conn:
            row = conn.execute(select(table).where(*where).with_for_update()).first()
            stale = row is not None and (
                row.created_at < now - retention
                or (row.state == "in_progress" and row.created_at < now - IN_PROGRESS_LEASE)
            )
            if row is None or stale:
                if row is not None:
                    conn.execute(delete(table).where(*where))
                conn.execute(
                    insert(table).values(
                        channel_id=channel_id,
                        key=key,
                        fingerprint=fingerprint,
                        state="in_progress",
                        created_at=now,
                    )
                )
                return KeyState.STARTED
            if not hmac.compare_digest(row.fingerprint, fingerprint):
                return KeyState.REUSED
            if row.state != "completed":
                return KeyState.IN_PROGRESS
            return StoredResponse(int(row.status), str(row.body))

    def release_idempotent(self, channel_id: int, key: str) -> None:
        """Forget a claimed key whose request failed before completing."""
        table = t.idempotent_requests
        with self._write() as conn:
            conn.execute(
                delete(table).where(
                    table.c.channel_id == channel_id,
                    table.c.key == key,
                    table.c.state == "in_progress",
                )
            )

    def purge_idempotent(self, older_than: datetime) -> int:
        """Drop stored responses created before `older_than`; returns how many."""
        table = t.idempotent_requests
        with self._write() as conn:
            return conn.execute(delete(table).where(table.c.created_at < older_than)).rowcount

    # -- demo data ----------------------------------------------------------------

    def demo_value(self, name: str) -> str | None:
        """A value `serve --demo` stored, or None."""
        with self._read() as conn:
            value = conn.execute(select(t.demo.c.value).where(t.demo.c.name == name)).scalar()
        return None if value is None else str(value)

    def set_demo_value(self, name: str, value: str) -> None:
        """Remember a value of the demo data."""
        with self._write() as conn:
            conn.execute(insert(t.demo).values(name=name, value=value))

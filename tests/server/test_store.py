"""The store on SQLite and on PostgreSQL: the same tests over both databases."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from capture_order.server.answering import ServerAnswer
from capture_order.server.capture_service import CaptureService
from capture_order.server.domain.capture_errors import CaptureError
from capture_order.server.domain.capture_plan import CaptureRequest, RequestedItem
from capture_order.server.seeding import PROFILES, create_channel, create_order, new_order
from capture_order.server.store import Claim, Store, StoredKeyState, Transaction
from capture_order.server.token_cache import hash_token
from tests.server.conftest import now

WEEK = timedelta(days=7)


def capture(
    store: Store, channel: int, number: str, *pks: int, key: str | None = None
) -> ServerAnswer:
    """One capture's unit of work, as the capture service runs it."""
    request = CaptureRequest(number, tuple(RequestedItem(pk) for pk in pks) or None)
    return store.write(lambda tx: CaptureService._capture(tx, channel, request, now(), key))


def claim(store: Store, channel: int, key: str, fingerprint: str, at: datetime) -> Claim:
    return store.write(lambda tx: tx.claim_key(channel, key, fingerprint, at, WEEK))


@pytest.mark.requirement("CO-AUTH-01")
def test_tokens_are_found_by_hash_only(store: Store) -> None:
    channel, key = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    assert store.channel_for_token(hash_token(key)) == channel
    assert store.channel_for_token(hash_token(key + "x")) is None
    assert store.channel_for_token(key) is None  # the key itself is not what is stored


@pytest.mark.requirement("CO-CAP-01", "CO-CONC-02", "CO-MON-01")
def test_committed_capture_is_seen_by_a_new_connection(store: Store, database_url: str) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    order = create_order(store, channel, "N-1", 3, now())
    assert capture(store, channel, "N-1").status == 200
    other = Store.open(database_url)
    try:
        seen = other.order(channel, "N-1")
    finally:
        other.close()
    assert seen is not None and seen.is_fully_captured
    assert seen.captured_pks == tuple(order.items)
    assert seen.captured_amount == seen.amount


@pytest.mark.requirement("CO-CAP-03", "CO-CAP-04")
def test_refused_capture_changes_nothing(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    order = create_order(store, channel, "N-1", 3, now())
    first, second, third = order.items
    assert capture(store, channel, "N-1", first).status == 200
    assert (
        json.loads(capture(store, channel, "N-1", second, 10**9).body)["code"]
        == "order_item_not_found"
    )
    assert (
        json.loads(capture(store, channel, "N-1", third, first).body)["code"]
        == "order_item_already_captured"
    )
    after = store.order(channel, "N-1")
    assert after is not None and after.captured_pks == (first,)
    assert after.captured_amount == Decimal("100.10")


@pytest.mark.requirement("CO-OLA-01")
def test_another_channels_order_is_not_found(store: Store) -> None:
    a, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    b, _ = create_channel(store, f"b-{secrets.token_hex(4)}", now())
    create_order(store, b, "N-1", 2, now())
    assert json.loads(capture(store, a, "N-1").body)["code"] == "order_not_found"
    untouched = store.order(b, "N-1")
    assert untouched is not None and untouched.captured_pks == ()


@pytest.mark.requirement("CO-IDEM-01", "CO-IDEM-02", "CO-IDEM-03")
def test_key_states_started_in_progress_reused_replayed(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    create_order(store, channel, "N-1", 1, now())
    assert claim(store, channel, "k", "f1", now()) is StoredKeyState.STARTED
    assert claim(store, channel, "k", "f1", now()) is StoredKeyState.IN_PROGRESS
    assert claim(store, channel, "k", "f2", now()) is StoredKeyState.REUSED
    sent = capture(store, channel, "N-1", key="k")
    assert claim(store, channel, "k", "f1", now()) == sent


@pytest.mark.requirement("CO-IDEM-05")
def test_keys_are_scoped_to_the_channel(store: Store) -> None:
    a, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    b, _ = create_channel(store, f"b-{secrets.token_hex(4)}", now())
    assert claim(store, a, "k", "f", now()) is StoredKeyState.STARTED
    assert claim(store, b, "k", "f", now()) is StoredKeyState.STARTED


@pytest.mark.requirement("CO-IDEM-04")
def test_stored_responses_live_for_the_retention_period(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    create_order(store, channel, "N-1", 1, now())
    assert claim(store, channel, "k", "f", now()) is StoredKeyState.STARTED
    sent = capture(store, channel, "N-1", key="k")
    six_days_later = now() + timedelta(days=6, hours=23)
    assert claim(store, channel, "k", "f", six_days_later) == sent
    assert store.purge_idempotent(now() - WEEK) == 0
    eight_days_later = now() + timedelta(days=8)
    assert claim(store, channel, "k", "f", eight_days_later) is StoredKeyState.STARTED


@pytest.mark.requirement("CO-IDEM-03")
def test_released_key_can_be_used_again(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    assert claim(store, channel, "k", "f", now()) is StoredKeyState.STARTED
    store.write(lambda tx: tx.release_key(channel, "k"))
    assert claim(store, channel, "k", "other", now()) is StoredKeyState.STARTED


@pytest.mark.requirement("CO-CONC-02")
def test_a_unit_that_fails_after_writing_rolls_the_capture_back(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    create_order(store, channel, "N-1", 2, now())

    def broken(tx: Transaction) -> None:
        CaptureService._capture(tx, channel, CaptureRequest("N-1"), now(), None)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.write(broken)
    after = store.order(channel, "N-1")
    assert after is not None and after.captured_pks == () and after.captured_amount == 0


@pytest.mark.requirement("CO-MON-03")
def test_money_round_trips_exactly(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    order = create_order(store, channel, "N-1", 3, now())
    loaded = store.order(channel, "N-1")
    assert loaded is not None
    assert [i.amount for i in loaded.items] == [
        Decimal("100.1"),
        Decimal("200.2"),
        Decimal("300.3"),
    ]
    assert loaded.amount == Decimal("620.50")
    if store.engine.dialect.name == "sqlite":
        # SQLite has no decimal type: money is kept as exact text, never as a binary float.
        with store.engine.connect() as conn:
            kinds = conn.exec_driver_sql("SELECT DISTINCT typeof(amount) FROM orders").all()
        assert kinds == [("text",)]
    assert [i.pk for i in loaded.items] == order.items


def test_capture_errors_are_rendered_as_their_problem(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    response = capture(store, channel, "missing")
    assert response.status == 404
    body = json.loads(response.body)
    assert body["code"] == "order_not_found" and body["type"] == "/problems/order-not-found"
    assert issubclass(CaptureError, Exception)


@pytest.mark.requirement("CO-CONC-02", "CO-MON-02")
def test_units_committed_together_keep_their_own_outcomes(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    numbers = [create_order(store, channel, f"N-{i}", 1, now()).number for i in range(6)]

    def unit(number: str) -> Callable[[Transaction], ServerAnswer]:
        def run(tx: Transaction) -> ServerAnswer:
            answer = CaptureService._capture(tx, channel, CaptureRequest(number), now(), None)
            if number == "N-3":
                raise RuntimeError("this unit fails after writing")
            return answer

        return run

    async def all_at_once() -> list[ServerAnswer | BaseException]:
        return await asyncio.gather(*(store.run(unit(n)) for n in numbers), return_exceptions=True)

    outcomes = asyncio.run(all_at_once())
    assert [isinstance(o, RuntimeError) for o in outcomes] == [n == "N-3" for n in numbers]
    for number in numbers:
        order = store.order(channel, number)
        assert order is not None and order.is_fully_captured == (number != "N-3")


@pytest.mark.requirement("CO-MON-03")
def test_orders_created_in_bulk_keep_their_items_and_exact_amounts(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    orders = [new_order(f"B-{i}", 2, now(), profile=PROFILES[i % 3]) for i in range(2000)]
    pks = store.add_orders(channel, orders)
    assert len(pks) == 2000 and all(len(p) == 2 for p in pks)
    assert len({pk for p in pks for pk in p}) == 4000
    kwd = store.order(channel, "B-1")
    assert kwd is not None and kwd.currency == "kwd" and kwd.amount == Decimal("301.253")
    assert [i.pk for i in kwd.items] == pks[1]

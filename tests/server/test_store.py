"""The store on SQLite and on PostgreSQL: the same tests over both databases."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from decimal import Decimal

import pytest

from server.domain.capture import CaptureRequest, RequestedItem
from server.domain.errors import CaptureError
from server.representation import render
from server.security import hash_token
from server.seed import create_channel, create_order
from server.store import KeyState, Store, StoredResponse
from tests.server.conftest import now

WEEK = timedelta(days=7)


def capture(
    store: Store, channel: int, number: str, *pks: int, key: str | None = None
) -> StoredResponse:
    items = tuple(RequestedItem(pk) for pk in pks) or None
    return store.capture(channel, CaptureRequest(number, items), now(), render, key)


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
    assert store.begin_idempotent(channel, "k", "f1", now(), WEEK) is KeyState.STARTED
    assert store.begin_idempotent(channel, "k", "f1", now(), WEEK) is KeyState.IN_PROGRESS
    assert store.begin_idempotent(channel, "k", "f2", now(), WEEK) is KeyState.REUSED
    sent = capture(store, channel, "N-1", key="k")
    assert store.begin_idempotent(channel, "k", "f1", now(), WEEK) == sent


@pytest.mark.requirement("CO-IDEM-05")
def test_keys_are_scoped_to_the_channel(store: Store) -> None:
    a, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    b, _ = create_channel(store, f"b-{secrets.token_hex(4)}", now())
    assert store.begin_idempotent(a, "k", "f", now(), WEEK) is KeyState.STARTED
    assert store.begin_idempotent(b, "k", "f", now(), WEEK) is KeyState.STARTED


@pytest.mark.requirement("CO-IDEM-04")
def test_stored_responses_live_for_the_retention_period(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    create_order(store, channel, "N-1", 1, now())
    assert store.begin_idempotent(channel, "k", "f", now(), WEEK) is KeyState.STARTED
    sent = capture(store, channel, "N-1", key="k")
    six_days_later = now() + timedelta(days=6, hours=23)
    assert store.begin_idempotent(channel, "k", "f", six_days_later, WEEK) == sent
    assert store.purge_idempotent(now() - WEEK) == 0
    eight_days_later = now() + timedelta(days=8)
    assert store.begin_idempotent(channel, "k", "f", eight_days_later, WEEK) is KeyState.STARTED


@pytest.mark.requirement("CO-IDEM-03")
def test_released_key_can_be_used_again(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    assert store.begin_idempotent(channel, "k", "f", now(), WEEK) is KeyState.STARTED
    store.release_idempotent(channel, "k")
    assert store.begin_idempotent(channel, "k", "other", now(), WEEK) is KeyState.STARTED


@pytest.mark.requirement("CO-CONC-02")
def test_failed_render_rolls_the_capture_back(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    create_order(store, channel, "N-1", 2, now())

    def broken(_outcome: object) -> StoredResponse:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.capture(channel, CaptureRequest("N-1"), now(), broken)
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
    assert [i.pk for i in loaded.items] == order.items


def test_capture_errors_are_rendered_as_their_problem(store: Store) -> None:
    channel, _ = create_channel(store, f"a-{secrets.token_hex(4)}", now())
    response = capture(store, channel, "missing")
    assert response.status == 404
    body = json.loads(response.body)
    assert body["code"] == "order_not_found" and body["type"] == "/problems/order-not-found"
    assert issubclass(CaptureError, Exception)

"""Idempotency-Key: replays, reuse, in-flight duplicates, channel scope, rejected requests."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.judge.keys import STORED_WITHIN_S
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.registry import scenario
from capture_order.conformance.scenarios.request_handling import oversized_body

ONE = Needs(orders=(OrderNeed(),))

PARALLEL = 8
# Races with one key each: the first captures the order, the others meet its 409. A race
# meets a request in flight about one time in three against the in-process reference server.
RACES = 8
MIXED_RACES = 4
# The retry after a 409 in progress waits its Retry-After, the spec's grace for storing an
# answer at least, and never more than this (a 409 with a longer Retry-After goes unjudged).
LONGEST_WAIT_S = 5
# Past the grace by this much: the judge measures from the answer's end by the wall clock.
WAIT_MARGIN_S = 0.25


def _reordered(value: Any) -> Any:
    """The same JSON value with every object's members in reverse order."""
    if isinstance(value, dict):
        return {k: _reordered(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


# The stored answers of a fully captured order a key can replay (CO-IDEM-01 "whatever the
# status"), beside its 200; the 404 is for a number no order has.
STORED = ("404 unknown order", "409 order already captured", "422 duplicate item")


@scenario(
    "CO-IDEM-01/same-bytes",
    "CO-IDEM-01/same-json-value",
    "CO-IDEM-01/first-not-marked",
    "CO-IDEM-01/refusal-replayed",
    "CO-IDEM-01/conflict-replayed",
    "CO-IDEM-01/unprocessable-replayed",
    "CO-IDEM-03/stored-once-answered",
    needs=ONE,
)
def idempotent_retry_is_replayed(ctx: ScenarioContext) -> None:
    """A keyed capture, retried with the same bytes, then as the same JSON value rewritten.

    Then the answers of every other stored status, each with a key of its own, each retried:
    the order's 409 (captured now) and 422 (a duplicate item), and a 404.
    A retry told the first request is still in progress, though its answer came, is sent
    again once the grace for storing that answer is over.
    """
    order = ctx.order()
    _replay_the_capture(ctx, order.number, order.items)
    requests: dict[str, tuple[str, list[int] | None]] = {
        "404 unknown order": (ctx.unknown_order(), None),
        "409 order already captured": (order.number, None),
        "422 duplicate item": (order.number, [order.items[0], order.items[0]]),
    }
    for answer in ctx.inputs(
        "stored-statuses", ["200 capture", *STORED], keep=["200 capture", *STORED]
    ):
        if answer in requests:
            number, items = requests[answer]
            key = ctx.new_key()
            ctx.capture(number, items, key=key)
            ctx.capture(number, items, key=key)


def _replay_the_capture(ctx: ScenarioContext, number: str, items: tuple[int, ...]) -> None:
    """A keyed capture of every item with attributes, retried as sent and rewritten."""
    key = ctx.new_key()
    body = {
        "order": number,
        "order_items": [
            {"pk": pk, "attributes": {"gift_note": "Café", "gift_wrap": True}} for pk in items
        ],
    }
    compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    ctx.capture(None, raw=compact, key=key)
    retry = ctx.capture(None, raw=compact, key=key)
    if retry.status == 409 and retry.code == "idempotency_request_in_progress":
        # Told "in progress" after the answer came: the answer was never kept, or is still
        # being stored (the spec's grace). Waited once, bounded; the next retry tells which.
        time.sleep(_stored_wait(retry.header("Retry-After")))
        ctx.capture(None, raw=compact, key=key)
    spaced = json.dumps(_reordered(body), indent=2, ensure_ascii=True)
    ctx.capture(None, raw=f" {spaced}\n".encode(), key=key)


def _stored_wait(retry_after: str | None) -> float:
    """Seconds to wait before a retry after a 409 in progress with that Retry-After."""
    value = (retry_after or "").strip()
    grace = max(int(value) if value.isdigit() else 0, STORED_WITHIN_S)
    return min(grace + WAIT_MARGIN_S, LONGEST_WAIT_S)


@scenario("CO-IDEM-01/refusal-replayed")
def replayed_refusal_is_marked(ctx: ScenarioContext) -> None:
    """A keyed request for a number no order has, retried."""
    number, key = ctx.unknown_order(), ctx.new_key()
    ctx.capture(number, key=key)
    ctx.capture(number, key=key)


@scenario(
    "CO-IDEM-02/other-body-422", "CO-IDEM-02/not-executed", needs=Needs(orders=(OrderNeed(2),))
)
def reused_key_with_another_body_is_unprocessable(ctx: ScenarioContext) -> None:
    """A keyed partial capture, the key reused for the rest, then the rest with a new key."""
    order = ctx.order(min_items=2)
    key = ctx.new_key()
    head, rest = order.items[:1], order.items[1:]
    ctx.capture(order.number, head, key=key)
    ctx.capture(order.number, rest, key=key)
    ctx.capture(order.number, rest, key=ctx.new_key())


@scenario(
    "CO-IDEM-03/executed-once",
    "CO-IDEM-03/retry-after",
    "CO-IDEM-02/in-flight-other-body-422",
    needs=ONE,
)
def concurrent_same_key_executes_once(ctx: ScenarioContext) -> None:
    """Simultaneous requests with one key: races with one body, then with two.

    Whether a request arrives while the first is still running is a matter of timing, so the
    race is run again with fresh keys on the captured order (the stored outcome then is a 409):
    more chances to meet a request in flight, and no other order consumed. In the last races
    half the requests carry another body.
    """
    order = ctx.order()
    body: dict[str, Any] = {"order": order.number}
    other: dict[str, Any] = {"order": order.number, "order_items": [{"pk": order.items[0]}]}
    for round_ in range(RACES + MIXED_RACES):
        key = ctx.new_key()
        mixed = round_ >= RACES
        bodies = [other if mixed and n % 2 else body for n in range(PARALLEL)]
        with ThreadPoolExecutor(PARALLEL) as pool:
            list(pool.map(lambda b, k=key: ctx.capture(None, body=b, key=k), bodies))


@scenario("CO-IDEM-05/other-channel", needs=Needs(orders=(OrderNeed(),), foreign_token=True))
def idempotency_keys_are_per_channel(ctx: ScenarioContext) -> None:
    """A keyed capture in channel A, then channel B's request with the same key."""
    order = ctx.order()
    key = ctx.new_key()
    ctx.capture(order.number, key=key)
    ctx.capture(order.number, key=key, token=ctx.foreign_token())


@scenario(
    "CO-IDEM-06/after-400",
    "CO-IDEM-06/after-401",
    "CO-IDEM-06/after-413",
    "CO-IDEM-06/after-415",
    needs=ONE,
)
def rejected_request_is_not_stored(ctx: ScenarioContext) -> None:
    """One key first used by a 400, a 401, a 413 and a 415 request; then a valid capture."""
    order = ctx.order()
    key = ctx.new_key()
    body = json.dumps({"order": order.number}).encode()
    oversized, shell = oversized_body(order.number, order.items[0])
    ctx.capture(None, body={"order": order.number, "bogus": True}, key=key)
    ctx.capture(order.number, key=key, token=None)
    ctx.capture(None, raw=oversized, key=key, body_shell=shell)
    ctx.capture(None, raw=body, content_type="text/plain", key=key)
    ctx.capture(order.number, key=key)

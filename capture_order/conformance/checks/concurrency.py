"""Concurrent captures of one order: each item at most once, losers 409, never 5xx."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from capture_order.conformance.context import CheckContext, describe
from capture_order.conformance.http import Exchange
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.order_expectations import decimal_body, listed, obj
from capture_order.conformance.registry import check
from capture_order.conformance.sequence.seen import pk_order

PARALLEL = 10
BARRIER_S = 10.0  # how long the captures wait for each other before going anyway
LOSER_CODES = ("order_already_captured", "order_item_already_captured")


def _race(ctx: CheckContext, number: str, items: list[int] | None) -> list[Exchange]:
    # The captures leave together: threads started one after another on a busy machine let the
    # first capture finish before the last one is sent, and nothing raced.
    ready = threading.Barrier(PARALLEL)

    def capture(_: int) -> Exchange:
        key = ctx.new_key()
        with contextlib.suppress(threading.BrokenBarrierError):  # one was late: go anyway
            ready.wait(BARRIER_S)
        return ctx.capture(number, items, key=key)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(capture, range(PARALLEL)))


@check(
    "CO-CONC-01/one-item",
    "CO-CONC-01/whole-order",
    "CO-MON-02/parallel",
    needs=Needs(orders=(OrderNeed(2),)),
)
def parallel_captures_capture_each_item_once(ctx: CheckContext) -> None:
    """N simultaneous captures of one item, then of the whole order: one winner each time."""
    order = ctx.order(min_items=2)
    head = list(order.items[:1])
    rounds = [
        ("one-item", "one item", _race(ctx, order.number, head)),
        ("whole-order", "the whole order", _race(ctx, order.number, None)),
    ]
    captured: list[int] = []
    for case, label, results in rounds:
        winners = [e for e in results if e.status == 200]
        losers = [e for e in results if e.status == 409 and e.code in LOSER_CODES]
        others = [e for e in results if e not in winners + losers]
        ctx.expect(
            len(winners) == 1 and not others,
            f"CO-CONC-01/{case}",
            f"{PARALLEL} simultaneous captures of {label} did not have exactly one winner",
            expected=f"one 200 and {PARALLEL - 1} times 409 ({' or '.join(LOSER_CODES)})",
            received=f"{len(winners)} times 200, {len(losers)} times 409; "
            + "; ".join(describe(e) for e in others[:3]),
            exchanges=(others or winners[1:] or results)[:1],
        )
        for winner in winners:
            body = decimal_body(winner)
            capture = obj(body.get("capture"))
            captured += [
                i["pk"] for i in listed(capture.get("items")) if isinstance(i, dict) and "pk" in i
            ]
    ctx.expect(
        sorted(captured) == sorted(order.items),
        "CO-MON-02/parallel",
        "Simultaneous captures captured an item more than once (or not at all)",
        expected=f"each of {sorted(order.items)} captured exactly once",
        received=f"captured {sorted(captured, key=pk_order)}",
        exchanges=[e for _, _, r in rounds for e in r if e.status == 200][:2],
    )
    final = ctx.capture(order.number)
    ctx.expect(
        final.status == 409 and final.code == "order_already_captured",
        "CO-CONC-01/whole-order",
        "After the race the order is not fully captured",
        expected="409 order_already_captured",
        received=describe(final),
        exchanges=[final],
    )

"""Concurrent captures of one order: each item at most once, losers 409, never 5xx."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.http import Exchange
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.registry import scenario

PARALLEL = 10
BARRIER_S = 10.0  # how long the captures wait for each other before going anyway


def _race(ctx: ScenarioContext, number: str, items: list[int] | None) -> list[Exchange]:
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


@scenario(
    "CO-CONC-01/one-item",
    "CO-CONC-01/whole-order",
    "CO-MON-02/parallel",
    needs=Needs(orders=(OrderNeed(2),)),
)
def parallel_captures_capture_each_item_once(ctx: ScenarioContext) -> None:
    """Simultaneous captures of one item, then of the whole order, then one more."""
    order = ctx.order(min_items=2)
    _race(ctx, order.number, list(order.items[:1]))
    _race(ctx, order.number, None)
    ctx.capture(order.number)

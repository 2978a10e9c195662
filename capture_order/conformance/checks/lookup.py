"""Which order a request names: order numbers are matched exactly (CO-CAP-10)."""

from __future__ import annotations

from capture_order.conformance.checks.conflicts import UNKNOWN_PK
from capture_order.conformance.context import CheckContext
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.order_expectations import expect_untouched
from capture_order.conformance.registry import check


def _swapped(number: str) -> str | None:
    """The number with its letters' case swapped (None when it has no letter)."""
    swapped = number.swapcase()
    return swapped if swapped != number else None


@check(
    "CO-CAP-10/other-case",
    "CO-CAP-10/surrounding-space",
    needs=Needs(orders=(OrderNeed(),)),
)
def order_numbers_are_matched_exactly(ctx: CheckContext) -> None:
    """A fixture's number in another case, or with a leading space, names no order: 404.

    Each variant lists only an item that no order has, so that even a deployment folding case
    could capture nothing; the real order is captured whole afterwards to prove it.
    """
    order = ctx.order()
    variants = [("surrounding-space", f" {order.number}")]
    swapped = _swapped(order.number)
    if swapped is None:
        ctx.skip_case("CO-CAP-10/other-case", "needs a fixture order number with a letter")
    else:
        variants.insert(0, ("other-case", swapped))
    sent = []
    for case, number in variants:
        exchange = ctx.capture(number, [UNKNOWN_PK])
        sent.append(exchange)
        ctx.expect_status(
            exchange,
            404,
            f"CO-CAP-10/{case}",
            f"The order number {number!r} was matched to the order {order.number!r}",
            code="order_not_found",
        )
    full = ctx.capture(order.number)
    title = "A variant of the order number captured (part of) the order"
    expect_untouched(ctx, full, order, "CO-CAP-10/other-case", title, sent)

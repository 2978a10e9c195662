"""Which order a request names: order numbers are matched exactly (CO-CAP-10)."""

from __future__ import annotations

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.registry import scenario


def _swapped(number: str) -> str | None:
    """The number with its letters' case swapped (None when it has no letter)."""
    swapped = number.swapcase()
    return swapped if swapped != number else None


@scenario(
    "CO-CAP-10/other-case",
    "CO-CAP-10/surrounding-space",
    needs=Needs(orders=(OrderNeed(),)),
)
def order_numbers_are_matched_exactly(ctx: ScenarioContext) -> None:
    """A fixture's number in another case and with a leading space, then the order itself.

    Each variant lists only an item that no order has, so that even a deployment folding case
    could capture nothing; the real order is captured whole afterwards to prove it.
    """
    order = ctx.order()
    variants = [("CO-CAP-10/surrounding-space", f" {order.number}")]
    swapped = _swapped(order.number)
    if swapped is None:
        ctx.skip_case("CO-CAP-10/other-case", "needs a fixture order number with a letter")
    else:
        variants.insert(0, ("CO-CAP-10/other-case", swapped))
    unknown = ctx.unknown_pk()
    for case, number in variants:
        ctx.capture(ctx.variant(order, number, case), [unknown])
    ctx.capture(order.number)

"""Object-level authorization: another channel's order is as good as nonexistent."""

from __future__ import annotations

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.needs import FOREIGN_TOKEN_HINT, Grant, Needs
from capture_order.conformance.registry import scenario


def _foreign_token(given: Grant) -> str | None:
    return None if given.settings.foreign_token else f"needs {FOREIGN_TOKEN_HINT}"


@scenario(
    "CO-OLA-01/foreign-order-404",
    "CO-OLA-01/foreign-order-untouched",
    needs=Needs(foreign_orders=1),
    case_needs={"CO-OLA-01/foreign-order-untouched": _foreign_token},
)
def foreign_order_is_not_found(ctx: ScenarioContext) -> None:
    """Channel A's token on an order of channel B; then B's own token captures it."""
    order = ctx.foreign_order()
    ctx.capture(order.number)
    if ctx.allowed("CO-OLA-01/foreign-order-untouched"):
        ctx.capture(order.number, token=ctx.foreign_token())


@scenario("CO-OLA-02/unknown-404", "CO-OLA-02/same-404", needs=Needs(foreign_listed=True))
def foreign_order_is_indistinguishable_from_unknown(ctx: ScenarioContext) -> None:
    """A number no order has, and an order of channel B (its number read, not consumed)."""
    ctx.capture(ctx.unknown_order())
    ctx.capture(ctx.settings.foreign_orders[-1].number)

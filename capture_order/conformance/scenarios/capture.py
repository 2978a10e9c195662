"""Full and partial capture: captures whose 200s the judge holds to the order's facts."""

from __future__ import annotations

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.needs import Needs, OrderNeed, order_fact
from capture_order.conformance.registry import scenario

ONE = Needs(orders=(OrderNeed(),))
TWO_ITEMS = Needs(orders=(OrderNeed(2),))
FACTS = {
    "CO-CAP-09/status-as-before": order_fact("status", "the order's `status`"),
    "CO-MON-01/amount-as-authorized": order_fact("amount", "the order's `amount`"),
    "CO-MON-03/currency-as-given": order_fact("currency", "the order's `currency`"),
    "CO-CAP-08/item-amounts-known": order_fact("item_amounts", "every item's `amount`"),
    "CO-CAP-08/cumulative-amount": order_fact("item_amounts", "every item's `amount`"),
    "CO-CAP-07/absent-kept": order_fact("item_attributes", "every item's `attributes`"),
}


@scenario(
    "CO-CAP-01/whole-order",
    "CO-CAP-08/capture-items",
    "CO-CAP-08/cumulative-items",
    "CO-CAP-08/capture-state",
    "CO-CAP-08/capture-amount",
    "CO-CAP-10/as-sent",
    "CO-MON-01/full-equals-amount",
    "CO-MON-01/grows-by-capture",
    "CO-MON-01/never-exceeds",
    "CO-MON-03/digits",
    "CO-MON-03/three-digit-currencies",
    "CO-RSP-02/order-body",
    *FACTS,
    needs=ONE,
    case_needs=FACTS,
)
def full_capture_is_visible(ctx: ScenarioContext) -> None:
    """A capture without order_items of a capturable order."""
    ctx.capture(ctx.order().number)


@scenario(
    "CO-CAP-02/listed-items-only",
    "CO-CAP-02/others-stay-capturable",
    "CO-CAP-01/rest-after-partial",
    "CO-CAP-09/status-stable",
    "CO-MON-02/captures-add-up",
    needs=TWO_ITEMS,
)
def partial_capture_captures_exactly_the_listed_items(ctx: ScenarioContext) -> None:
    """A capture of one item (the last), then a full capture of the rest."""
    order = ctx.order(min_items=2)
    ctx.capture(order.number, order.items[-1:])
    ctx.capture(order.number)


@scenario("CO-CAP-07/given-replace", needs=ONE)
def given_attributes_replace_item_attributes(ctx: ScenarioContext) -> None:
    """An item captured with attributes of its own."""
    order = ctx.order()
    given = {"gift_wrap": True, "warehouse": f"IST-{ctx.rng.randint(1, 99)}"}
    ctx.capture(order.number, [{"pk": order.items[0], "attributes": given}])


@scenario("CO-MON-01/zero-amount-item", needs=Needs(orders=(OrderNeed(2, free_item=True),)))
def free_item_left_is_a_partial_capture_of_the_whole_amount(ctx: ScenarioContext) -> None:
    """The items that cost something, then the free item left."""
    order = ctx.order(min_items=2)
    ctx.capture(order.number, [pk for pk in order.items if order.item_amounts[pk] > 0])
    ctx.capture(order.number, [pk for pk in order.items if order.item_amounts[pk] == 0])

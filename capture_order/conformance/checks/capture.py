"""Full and partial capture: what a 200 captures and reports, checked against the facts."""

from __future__ import annotations

from decimal import Decimal

from capture_order.conformance.context import CheckContext
from capture_order.conformance.exact import exact_sum
from capture_order.conformance.needs import Needs, OrderNeed, order_fact
from capture_order.conformance.order_expectations import (
    decimal_body,
    expect_attributes_kept,
    expect_capture,
    expect_ok,
    listed,
    obj,
)
from capture_order.conformance.registry import check
from capture_order.contract.facts import capturable_statuses

ONE = Needs(orders=(OrderNeed(),))
TWO_ITEMS = Needs(orders=(OrderNeed(2),))
FACTS = {
    "CO-CAP-09/status-as-before": order_fact("status", "the order's `status`"),
    "CO-MON-01/amount-as-authorized": order_fact("amount", "the order's `amount`"),
    "CO-MON-03/currency-as-given": order_fact("currency", "the order's `currency`"),
    "CO-CAP-08/item-amounts-known": order_fact("item_amounts", "every item's `amount`"),
    "CO-CAP-07/absent-kept": order_fact("item_attributes", "every item's `attributes`"),
}


@check(
    "CO-CAP-01/whole-order",
    "CO-CAP-08/capture-items",
    "CO-CAP-08/cumulative-items",
    "CO-CAP-08/capture-state",
    "CO-CAP-08/capture-amount",
    "CO-MON-01/full-equals-amount",
    "CO-MON-01/grows-by-capture",
    "CO-MON-01/never-exceeds",
    "CO-MON-03/digits",
    "CO-RSP-02/order-body",
    *FACTS,
    needs=ONE,
    case_needs=FACTS,
)
def full_capture_is_visible(ctx: CheckContext) -> None:
    """Without order_items every item is captured, and the 200 shows it as the facts say."""
    order = ctx.order()
    first = ctx.capture(order.number)
    expect_ok(ctx, first, "CO-CAP-01/whole-order", "Full capture of a capturable order failed")
    body = expect_capture(ctx, first, order, captured_now=order.items, captured_total=order.items)
    expect_attributes_kept(ctx, first, order)
    capture = obj(body.get("capture"))
    ctx.expect(
        capture.get("amount") == body.get("amount"),
        "CO-CAP-08/capture-amount",
        "A full first capture reports another amount than the order's",
        expected=f"capture.amount == amount ({body.get('amount')})",
        received=f"capture.amount {capture.get('amount')}",
        exchanges=[first],
    )


@check(
    "CO-CAP-02/listed-items-only",
    "CO-CAP-02/others-stay-capturable",
    "CO-CAP-01/rest-after-partial",
    "CO-CAP-09/status-stable",
    "CO-MON-02/captures-add-up",
    needs=TWO_ITEMS,
)
def partial_capture_captures_exactly_the_listed_items(ctx: CheckContext) -> None:
    """A partial capture takes the listed items only; a full capture then takes the rest, once."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], order.items[1:]
    first = ctx.capture(order.number, head)
    expect_ok(ctx, first, "CO-CAP-02/listed-items-only", "Partial capture of one item failed")
    body1 = expect_capture(ctx, first, order, captured_now=head, captured_total=head)
    now = [obj(i).get("pk") for i in listed(obj(body1.get("capture")).get("items"))]
    ctx.expect(
        now == list(head),
        "CO-CAP-02/listed-items-only",
        "A partial capture captured other items than the listed one",
        expected=f"capture.items {list(head)}",
        received=f"capture.items {now}",
        exchanges=[first],
    )
    second = ctx.capture(order.number)
    expect_ok(
        ctx,
        second,
        "CO-CAP-02/others-stay-capturable",
        "The items left out of a partial capture cannot be captured",
        [first],
    )
    body2 = expect_capture(
        ctx,
        second,
        order,
        captured_now=rest,
        captured_total=order.items,
        history=[first],
        previous=body1,
    )
    now = [obj(i).get("pk") for i in listed(obj(body2.get("capture")).get("items"))]
    ctx.expect(
        now == sorted(rest),
        "CO-CAP-01/rest-after-partial",
        "A full capture after a partial one did not capture exactly the items left",
        expected=f"capture.items {sorted(rest)}",
        received=f"capture.items {now}",
        exchanges=[first, second],
    )
    amounts = [
        obj(body1.get("capture")).get("amount"),
        obj(body2.get("capture")).get("amount"),
    ]
    if all(isinstance(a, Decimal | int) for a in amounts):
        ctx.expect(
            exact_sum(a for a in amounts if a is not None)
            == body2.get("captured_amount")
            == body2.get("amount"),
            "CO-MON-02/captures-add-up",
            "The captures of an order do not add up to its amount",
            expected=f"sum of capture.amount == captured_amount == amount ({body2.get('amount')})",
            received=f"capture amounts {[str(a) for a in amounts]}, "
            f"captured_amount {body2.get('captured_amount')}",
            exchanges=[first, second],
        )
    capturable = sorted(capturable_statuses())
    statuses = (body1.get("status"), body2.get("status"))
    ctx.expect(
        statuses[0] == statuses[1] and statuses[0] in capturable,
        "CO-CAP-09/status-stable",
        "Capture changed the order status",
        expected=f"the same capturable status ({', '.join(capturable)}) after each capture",
        received=f"status {statuses[0]!r} after the first capture, "
        f"{statuses[1]!r} after the second",
        exchanges=[first, second],
    )


@check("CO-CAP-07/given-replace", needs=ONE)
def given_attributes_replace_item_attributes(ctx: CheckContext) -> None:
    """Attributes listed with an item become exactly that item's attributes."""
    order = ctx.order()
    given = {"gift_wrap": True, "warehouse": f"IST-{ctx.rng.randint(1, 99)}"}
    pk = order.items[0]
    exchange = ctx.capture(order.number, [{"pk": pk, "attributes": given}])
    expect_ok(ctx, exchange, "CO-CAP-07/given-replace", "Capture with item attributes failed")
    capture = obj(decimal_body(exchange).get("capture"))
    items = {i.get("pk"): i for i in listed(capture.get("items")) if isinstance(i, dict)}
    received = obj(items.get(pk)).get("attributes")
    ctx.expect(
        received == given,
        "CO-CAP-07/given-replace",
        "The captured item's attributes are not the ones given",
        expected=f"capture.items[pk={pk}].attributes == {given}",
        received=f"{received}",
        exchanges=[exchange],
    )


@check("CO-MON-01/zero-amount-item", needs=Needs(orders=(OrderNeed(2, free_item=True),)))
def free_item_left_is_a_partial_capture_of_the_whole_amount(ctx: CheckContext) -> None:
    """With only a free item left, the order is partially captured and its amount all taken."""
    order = ctx.order(min_items=2)
    costly = [pk for pk in order.items if order.item_amounts[pk] > 0]
    free = [pk for pk in order.items if order.item_amounts[pk] == 0]
    first = ctx.capture(order.number, costly)
    case = "CO-MON-01/zero-amount-item"
    expect_ok(ctx, first, case, "Capture of the items that cost something failed")
    body = decimal_body(first)
    ctx.expect(
        body.get("capture_state") == "partially_captured"
        and body.get("captured_amount") == body.get("amount") == order.amount,
        case,
        "With only a free item left, the order is not partially captured at its whole amount",
        expected=f"capture_state partially_captured, captured_amount == amount == {order.amount}",
        received=f"capture_state {body.get('capture_state')}, captured_amount "
        f"{body.get('captured_amount')}, amount {body.get('amount')}",
        exchanges=[first],
    )
    last = ctx.capture(order.number, free)
    expect_ok(ctx, last, case, "The free item cannot be captured", [first])
    body = decimal_body(last)
    ctx.expect(
        body.get("capture_state") == "fully_captured"
        and obj(body.get("capture")).get("amount") == 0
        and body.get("captured_amount") == order.amount,
        case,
        "Capturing the free item did not complete the order at no cost",
        expected=f"capture_state fully_captured, capture.amount 0, captured_amount {order.amount}",
        received=f"capture_state {body.get('capture_state')}, capture.amount "
        f"{obj(body.get('capture')).get('amount')}, captured_amount {body.get('captured_amount')}",
        exchanges=[first, last],
    )

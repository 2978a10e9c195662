"""Full and partial capture: what a 200 captures and reports."""

from __future__ import annotations

from decimal import Decimal

from conformance.context import CheckContext
from conformance.order_expectations import decimal_body, expect_capture, expect_ok, obj
from conformance.registry import check
from contract.facts import capturable_statuses


@check("CO-CAP-01", "CO-CAP-08", "CO-MON-01", "CO-MON-03", "CO-RSP-02")
def full_capture_is_visible(ctx: CheckContext) -> None:
    """Without order_items every item is captured and the 200 shows it."""
    order = ctx.order()
    first = ctx.capture(order.number)
    expect_ok(ctx, first, "CO-CAP-01", "Full capture of a capturable order did not succeed")
    body = expect_capture(ctx, first, order, captured_now=order.items, captured_total=order.items)
    capture = obj(body.get("capture"))
    ctx.expect(
        capture.get("amount") == body.get("amount"),
        "CO-CAP-08",
        "A full first capture reports another amount than the order's",
        expected=f"capture.amount == amount ({body.get('amount')})",
        received=f"capture.amount {capture.get('amount')}",
        exchanges=[first],
    )


@check("CO-CAP-02", "CO-CAP-08", "CO-CAP-09", "CO-MON-01", "CO-MON-02")
def partial_capture_captures_exactly_the_listed_items(ctx: CheckContext) -> None:
    """A partial capture takes the listed items only; the rest is captured later, once."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], order.items[1:]
    first = ctx.capture(order.number, head)
    expect_ok(ctx, first, "CO-CAP-02", "Partial capture of one item did not succeed")
    body1 = expect_capture(ctx, first, order, captured_now=head, captured_total=head)
    second = ctx.capture(order.number, rest)
    expect_ok(
        ctx,
        second,
        "CO-CAP-02",
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
    amounts = [
        obj(body1.get("capture")).get("amount"),
        obj(body2.get("capture")).get("amount"),
    ]
    if all(isinstance(a, Decimal | int) for a in amounts):
        ctx.expect(
            sum(a for a in amounts if a is not None)
            == body2.get("captured_amount")
            == body2.get("amount"),
            "CO-MON-02",
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
        "CO-CAP-09",
        "Capture changed the order status",
        expected=f"the same capturable status ({', '.join(capturable)}) after each capture",
        received=f"status {statuses[0]!r} after the first capture, "
        f"{statuses[1]!r} after the second",
        exchanges=[first, second],
    )


@check("CO-CAP-07")
def given_attributes_replace_item_attributes(ctx: CheckContext) -> None:
    """Attributes listed with an item become exactly that item's attributes."""
    order = ctx.order()
    given = {"gift_wrap": True, "warehouse": f"IST-{ctx.rng.randint(1, 99)}"}
    pk = order.items[0]
    exchange = ctx.capture(order.number, [{"pk": pk, "attributes": given}])
    expect_ok(ctx, exchange, "CO-CAP-07", "Capture with item attributes did not succeed")
    capture = obj(decimal_body(exchange).get("capture"))
    items = {i.get("pk"): i for i in capture.get("items") or [] if isinstance(i, dict)}
    received = obj(items.get(pk)).get("attributes")
    ctx.expect(
        received == given,
        "CO-CAP-07",
        "The captured item's attributes are not the ones given",
        expected=f"capture.items[pk={pk}].attributes == {given}",
        received=f"{received}",
        exchanges=[exchange],
    )

"""Captures that must be refused, and must leave the order as it was."""

from __future__ import annotations

from conformance.context import CheckContext, Skip
from conformance.http import Exchange
from conformance.order_expectations import decimal_body, expect_capture, expect_ok
from conformance.registry import check

UNKNOWN_PK = 9_000_000_000_000_000_001


@check("CO-CAP-05", "CO-MON-02", "CO-CONC-02")
def second_capture_is_conflict(ctx: CheckContext) -> None:
    """Right after a full capture, capturing again is 409 order_already_captured."""
    order = ctx.order()
    first = ctx.capture(order.number)
    expect_ok(ctx, first, "CO-CAP-05", "Full capture of a capturable order did not succeed")
    again = ctx.capture(order.number)
    ctx.expect_status(
        again,
        409,
        "CO-CAP-05",
        "Second full capture was not refused",
        code="order_already_captured",
        history=[first],
    )
    item = ctx.capture(order.number, order.items[:1])
    ctx.expect_status(
        item,
        409,
        "CO-MON-02",
        "An item was captured twice",
        code=("order_already_captured", "order_item_already_captured"),
        history=[first],
    )


@check("CO-CAP-04", "CO-MON-02", "CO-CONC-02")
def captured_item_in_list_captures_nothing(ctx: CheckContext) -> None:
    """A list naming an already captured item is 409 and captures none of the others."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], order.items[1:]
    first = ctx.capture(order.number, head)
    expect_ok(ctx, first, "CO-CAP-04", "Partial capture of one item did not succeed")
    mixed = ctx.capture(order.number, [*rest, *head])
    ctx.expect_status(
        mixed,
        409,
        "CO-CAP-04",
        "A list with an already captured item was not refused",
        code="order_item_already_captured",
        history=[first],
    )
    last = ctx.capture(order.number, rest)
    expect_ok(
        ctx, last, "CO-CAP-04", "The refused request captured some of its items", [first, mixed]
    )
    expect_capture(
        ctx,
        last,
        order,
        captured_now=rest,
        captured_total=order.items,
        history=[first, mixed],
        previous=decimal_body(first),
    )


@check("CO-CAP-03")
def unknown_item_captures_nothing(ctx: CheckContext) -> None:
    """A list with a pk that is not the order's is 422 and captures none of the others."""
    order = ctx.order()
    bad = ctx.capture(order.number, [*order.items, UNKNOWN_PK])
    ctx.expect_status(
        bad,
        422,
        "CO-CAP-03",
        "A list with an unknown item was not refused",
        code="order_item_not_found",
    )
    full = ctx.capture(order.number)
    expect_ok(ctx, full, "CO-CAP-03", "The refused request captured some of its items", [bad])
    expect_capture(
        ctx, full, order, captured_now=order.items, captured_total=order.items, history=[bad]
    )


@check("CO-CAP-06")
def uncapturable_orders_are_conflict(ctx: CheckContext) -> None:
    """Cancelled, refunded and otherwise uncapturable orders are 409 with their own code."""
    ctx.token()
    given = ctx.settings.uncapturable_orders
    if not given:
        raise Skip("needs uncapturable_orders in the fixtures (one per code)")
    for order in given:
        exchange = ctx.capture(order.number)
        ctx.expect_status(
            exchange,
            409,
            "CO-CAP-06",
            f"Order {order.number} ({order.code}) was not refused",
            code=order.code,
        )
        again = ctx.capture(order.number)
        ctx.expect_status(
            again,
            409,
            "CO-CAP-06",
            f"Order {order.number} changed state after a refused capture",
            code=order.code,
            history=[exchange],
        )


def _error_keys(exchange: Exchange) -> set[str]:
    body = exchange.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    return {str(k) for k in errors} if isinstance(errors, dict) else set()


@check("CO-ERR-06")
def item_errors_name_the_item(ctx: CheckContext) -> None:
    """Unknown, already captured and duplicate items are named by their index in `errors`."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], list(order.items[1:])
    first = ctx.capture(order.number, head)
    expect_ok(ctx, first, "CO-ERR-06", "Partial capture of one item did not succeed")
    last = len(rest)
    cases = [
        ("an unknown item", [*rest, UNKNOWN_PK], 422, "order_item_not_found", {last}),
        ("an already captured item", [*rest, *head], 409, "order_item_already_captured", {last}),
        ("a duplicate pk", [rest[0], UNKNOWN_PK, UNKNOWN_PK], 422, "duplicate_order_item", {1, 2}),
    ]
    for label, items, status, code, indexes in cases:
        exchange = ctx.capture(order.number, items)
        if not ctx.expect_status(
            exchange, status, "CO-ERR-06", f"A list with {label} was not refused", code=code
        ):
            continue
        named = _error_keys(exchange)
        wanted = {f"order_items[{i}].pk" for i in indexes}
        ctx.expect(
            bool(named & wanted),
            "CO-ERR-06",
            f"The {code} error does not name the item by its index",
            expected="errors with the key " + " or ".join(sorted(wanted)),
            received=f"errors keys {sorted(named)}",
            exchanges=[first, exchange],
        )

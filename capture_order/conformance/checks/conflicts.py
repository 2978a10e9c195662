"""Captures that must be refused, and must leave the order as it was."""

from __future__ import annotations

from capture_order.conformance.context import CheckContext
from capture_order.conformance.fixtures import UncapturableOrder
from capture_order.conformance.http import Exchange
from capture_order.conformance.needs import CaseNeed, Needs, OrderNeed, uncapturable_where
from capture_order.conformance.order_expectations import (
    decimal_body,
    expect_capture,
    expect_ok,
    expect_untouched,
    listed,
    obj,
)
from capture_order.conformance.registry import check
from capture_order.contract.facts import capturable_statuses, order_statuses

UNKNOWN_PK = 9_000_000_000_000_000_001
ONE = Needs(orders=(OrderNeed(),))
TWO_ITEMS = Needs(orders=(OrderNeed(2),))


@check(
    "CO-CAP-05/second-capture",
    "CO-MON-02/second-request",
    "CO-CONC-02/seen-later",
    needs=ONE,
)
def second_capture_is_conflict(ctx: CheckContext) -> None:
    """Right after a full capture, capturing again is 409 order_already_captured."""
    order = ctx.order()
    first = ctx.capture(order.number)
    expect_ok(ctx, first, "CO-CAP-05/second-capture", "Full capture did not succeed")
    again = ctx.capture(order.number)
    ctx.expect_status(
        again,
        409,
        "CO-CONC-02/seen-later",
        "The next request did not see the committed capture",
        code=("order_already_captured", "order_item_already_captured"),
        history=[first],
    )
    ctx.expect_status(
        again,
        409,
        "CO-CAP-05/second-capture",
        "Second full capture was not refused",
        code="order_already_captured",
        history=[first],
    )
    item = ctx.capture(order.number, order.items[:1])
    ctx.expect_status(
        item,
        409,
        "CO-MON-02/second-request",
        "An item was captured twice",
        code=("order_already_captured", "order_item_already_captured"),
        history=[first],
    )


@check("CO-CAP-04/captured-item-409", "CO-CAP-04/nothing-captured", needs=TWO_ITEMS)
def captured_item_in_list_captures_nothing(ctx: CheckContext) -> None:
    """A list naming an already captured item is 409 and captures none of the others."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], order.items[1:]
    first = ctx.capture(order.number, head)
    expect_ok(ctx, first, "CO-CAP-04/captured-item-409", "Partial capture of one item failed")
    mixed = ctx.capture(order.number, [*rest, *head])
    ctx.expect_status(
        mixed,
        409,
        "CO-CAP-04/captured-item-409",
        "A list with an already captured item was not refused",
        code="order_item_already_captured",
        history=[first],
    )
    last = ctx.capture(order.number, rest)
    expect_ok(
        ctx,
        last,
        "CO-CAP-04/nothing-captured",
        "The refused request captured some of its items",
        [first, mixed],
    )
    now = [obj(i).get("pk") for i in listed(obj(decimal_body(last).get("capture")).get("items"))]
    ctx.expect(
        now == sorted(rest),
        "CO-CAP-04/nothing-captured",
        "The refused request captured some of its items",
        expected=f"capture.items {sorted(rest)} (none captured by the refused request)",
        received=f"capture.items {now}",
        exchanges=[first, mixed, last],
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


@check("CO-CAP-03/unknown-item-422", "CO-CAP-03/nothing-captured", needs=ONE)
def unknown_item_captures_nothing(ctx: CheckContext) -> None:
    """A list with a pk that is not the order's is 422 and captures none of the others."""
    order = ctx.order()
    bad = ctx.capture(order.number, [*order.items, UNKNOWN_PK])
    ctx.expect_status(
        bad,
        422,
        "CO-CAP-03/unknown-item-422",
        "A list with an unknown item was not refused",
        code="order_item_not_found",
    )
    full = ctx.capture(order.number)
    title = "The refused request captured some of its items"
    expect_untouched(ctx, full, order, "CO-CAP-03/nothing-captured", title, [bad])
    expect_capture(
        ctx, full, order, captured_now=order.items, captured_total=order.items, history=[bad]
    )


def _state_case(order: UncapturableOrder) -> tuple[str, str]:
    """The CO-CAP-06 case an uncapturable order exercises, and the code it must get.

    With the order's facts (status, cancel_status) the code follows from the rule; without
    them, from the `code` the fixtures give.
    """
    if order.status is None or not order.cancel_status_known:
        case = {
            "order_cancelled": "cancelled",
            "order_refunded": "refunded",
            "order_not_capturable": "not-capturable",
        }[order.code]
        return case, order.code
    if order.cancel_status is not None and order.status in order_statuses("refunded"):
        return "cancel-beats-refund", "order_cancelled"
    if order.cancel_status is not None and order.status in capturable_statuses():
        return "cancel-status", "order_cancelled"
    if order.cancel_status is not None or order.status in order_statuses("cancelled"):
        return "cancelled", "order_cancelled"
    if order.status in order_statuses("refunded"):
        return "refunded", "order_refunded"
    return "not-capturable", "order_not_capturable"


def _of_kind(case: str, label: str) -> CaseNeed:
    return uncapturable_where(lambda o: _state_case(o)[0] == case, label)


STATE_CASES = {
    "CO-CAP-06/cancelled": _of_kind("cancelled", "an order_cancelled order"),
    "CO-CAP-06/refunded": _of_kind("refunded", "an order_refunded order"),
    "CO-CAP-06/not-capturable": _of_kind("not-capturable", "an order_not_capturable order"),
    "CO-CAP-06/cancel-status": _of_kind(
        "cancel-status", "an order in a capturable status with a cancel_status (facts)"
    ),
    "CO-CAP-06/cancel-beats-refund": _of_kind(
        "cancel-beats-refund", "a refunded order (status 600) with a cancel_status (facts)"
    ),
}


@check(
    *STATE_CASES,
    "CO-CAP-06/state-unchanged",
    needs=Needs(uncapturable=True),
    case_needs=STATE_CASES,
)
def uncapturable_orders_are_conflict(ctx: CheckContext) -> None:
    """Cancelled, refunded and otherwise uncapturable orders are 409 with their own code."""
    for order in ctx.settings.uncapturable_orders:
        case, code = _state_case(order)
        exchange = ctx.capture(order.number)
        ctx.expect_status(
            exchange,
            409,
            f"CO-CAP-06/{case}",
            f"Order {order.number} ({case.replace('-', ' ')}) was not refused with {code}",
            code=code,
        )
        again = ctx.capture(order.number)
        ctx.expect_status(
            again,
            409,
            "CO-CAP-06/state-unchanged",
            f"Order {order.number} changed state after a refused capture",
            code=code,
            history=[exchange],
        )


def _error_keys(exchange: Exchange) -> set[str]:
    body = exchange.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    return {str(k) for k in errors} if isinstance(errors, dict) else set()


@check(
    "CO-ERR-06/unknown-item",
    "CO-ERR-06/captured-item",
    "CO-ERR-06/duplicate-item",
    needs=TWO_ITEMS,
)
def item_errors_name_the_item(ctx: CheckContext) -> None:
    """Unknown, already captured and duplicate items are named by their index in `errors`."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], list(order.items[1:])
    first = ctx.capture(order.number, head)
    expect_ok(ctx, first, "CO-ERR-06/captured-item", "Partial capture of one item failed")
    last = len(rest)
    cases = [
        (
            "unknown-item",
            "an unknown item",
            [*rest, UNKNOWN_PK],
            422,
            "order_item_not_found",
            {last},
        ),
        (
            "captured-item",
            "an already captured item",
            [*rest, *head],
            409,
            "order_item_already_captured",
            {last},
        ),
        (
            "duplicate-item",
            "a duplicate pk",
            [rest[0], UNKNOWN_PK, UNKNOWN_PK],
            422,
            "duplicate_order_item",
            {1, 2},
        ),
    ]
    for case, label, items, status, code, indexes in cases:
        ref = f"CO-ERR-06/{case}"
        exchange = ctx.capture(order.number, items)
        if not ctx.expect_status(
            exchange, status, ref, f"A list with {label} was not refused", code=code
        ):
            continue
        named = _error_keys(exchange)
        wanted = {f"order_items[{i}].pk" for i in indexes}
        ctx.expect(
            bool(named & wanted),
            ref,
            f"The {code} error does not name the item by its index",
            expected="errors with the key " + " or ".join(sorted(wanted)),
            received=f"errors keys {sorted(named)}",
            exchanges=[first, exchange],
        )

"""Captures that must be refused, and must leave the order as it was."""

from __future__ import annotations

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.fixtures import UncapturableOrder
from capture_order.conformance.judge.facts import refusal_of
from capture_order.conformance.needs import CaseNeed, Needs, OrderNeed, uncapturable_where
from capture_order.conformance.registry import scenario
from capture_order.contract.facts import order_statuses

ONE = Needs(orders=(OrderNeed(),))
TWO_ITEMS = Needs(orders=(OrderNeed(2),))


@scenario(
    "CO-CAP-05/second-capture",
    "CO-MON-02/second-request",
    "CO-CONC-02/seen-later",
    needs=ONE,
)
def second_capture_is_conflict(ctx: ScenarioContext) -> None:
    """A full capture, then again, then one of its items."""
    order = ctx.order()
    ctx.capture(order.number)
    ctx.capture(order.number)
    ctx.capture(order.number, order.items[:1])


@scenario("CO-CAP-04/captured-item-409", "CO-CAP-04/nothing-captured", needs=TWO_ITEMS)
def captured_item_in_list_captures_nothing(ctx: ScenarioContext) -> None:
    """One item captured; a list with it and the others; then the others alone."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], order.items[1:]
    ctx.capture(order.number, head)
    ctx.capture(order.number, [*rest, *head])
    ctx.capture(order.number, rest)


@scenario("CO-CAP-03/unknown-item-422", "CO-CAP-03/nothing-captured", needs=ONE)
def unknown_item_captures_nothing(ctx: ScenarioContext) -> None:
    """Every item and a pk that is not the order's; then a full capture."""
    order = ctx.order()
    ctx.capture(order.number, [*order.items, ctx.unknown_pk()])
    ctx.capture(order.number)


def _of_kind(case: str, label: str) -> CaseNeed:
    return uncapturable_where(lambda o: refusal_of(o)[0] == case, label)


def _in_status(status: str) -> CaseNeed:
    def wanted(order: UncapturableOrder) -> bool:
        return order.status == status and refusal_of(order)[1] == "order_cancelled"

    return uncapturable_where(wanted, f"an order in status {status} (facts)")


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
    **{
        f"CO-CAP-06/cancelled-{status}": _in_status(status)
        for status in sorted(order_statuses("cancelled"), key=int)
    },
}


@scenario(
    *STATE_CASES,
    "CO-CAP-06/state-unchanged",
    needs=Needs(uncapturable=True),
    case_needs=STATE_CASES,
)
def uncapturable_orders_are_conflict(ctx: ScenarioContext) -> None:
    """Each uncapturable order, twice."""
    for order in ctx.settings.uncapturable_orders:
        ctx.capture(order.number)
        ctx.capture(order.number)


@scenario(
    "CO-ERR-06/unknown-item",
    "CO-ERR-06/captured-item",
    "CO-ERR-06/duplicate-item",
    needs=TWO_ITEMS,
)
def item_errors_name_the_item(ctx: ScenarioContext) -> None:
    """After one item's capture: an unknown item, a captured item and a duplicate, listed last."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], list(order.items[1:])
    ctx.capture(order.number, head)
    unknown = ctx.unknown_pk()
    for items in ([*rest, unknown], [*rest, *head], [rest[0], unknown, unknown]):
        ctx.capture(order.number, items)

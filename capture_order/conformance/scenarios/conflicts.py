"""Captures that must be refused, and must leave the order as it was."""

from __future__ import annotations

from capture_order.conformance.context import Item, ScenarioContext
from capture_order.conformance.fixtures import UncapturableOrder
from capture_order.conformance.judge.judge_facts import refusal_of
from capture_order.conformance.needs import CaseNeed, Needs, OrderNeed, uncapturable_where
from capture_order.conformance.registry import scenario
from capture_order.contract.facts import order_statuses, request_limits

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


@scenario(
    "CO-CAP-03/unknown-item-422",
    "CO-CAP-03/nothing-captured",
    "CO-REQ-04/item-count-boundary",
    "CO-REQ-04/attribute-count-boundary",
    "CO-REQ-04/value-length-boundary",
    "CO-REQ-04/pk-range-boundary",
    needs=ONE,
)
def unknown_item_captures_nothing(ctx: ScenarioContext) -> None:
    """Every item and a pk that is not the order's; lists at and past each item-level limit,
    each with a pk no order has; then a full capture.

    At a limit the answer is the order's 422, past it the schema's 400: no request before the
    last captures anything, which the last capture proves.
    """
    order = ctx.order()
    ctx.capture(order.number, [*order.items, ctx.unknown_pk()])
    _item_bounds(ctx, order.number, order.items[0])
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


def _with_unknown(ctx: ScenarioContext, items: list[Item], count: int) -> list[Item]:
    """`items`, then pks no order has up to `count` entries (so no such request captures)."""
    first = ctx.unknown_pk()
    return [*items, *(first + n for n in range(count - len(items)))]


def _attributes(count: int) -> dict[str, str]:
    return {f"attribute_{n:03d}": "x" for n in range(count)}


def _item_bounds(ctx: ScenarioContext, number: str, pk: int) -> None:
    """The order's item in lists of each item-level class (and a pk no order has)."""
    limits = request_limits()
    most = limits.items_max
    for count in ctx.inputs("item-count", [most - 1, most, most + 1], keep=[most, most + 1]):
        ctx.capture(number, _with_unknown(ctx, [pk], count))
    most = limits.attributes_max
    for count in ctx.inputs("attribute-count", [most - 1, most, most + 1], keep=[most, most + 1]):
        item = {"pk": pk, "attributes": _attributes(count)}
        ctx.capture(number, _with_unknown(ctx, [item], 2))
    longest = limits.attribute_value_max
    values = [letter * (longest + d) for d in (0, 1, -1) for letter in ("x", "ş", "\U0001d4b3")]
    for value in ctx.inputs("attribute-value-length", values, keep=values[:2] + values[3:5]):
        item = {"pk": pk, "attributes": {"gift_note": value}}
        ctx.capture(number, _with_unknown(ctx, [item], 2))
    edges = [limits.pk_min, limits.pk_max, limits.pk_max + 1, 0, -1]
    wider = [2**64, -(2**63), limits.pk_min + 1, limits.pk_max - 1]
    for given in ctx.inputs("pk-range", [*edges, *wider], keep=edges):
        ctx.capture(number, [given, ctx.unknown_pk()])

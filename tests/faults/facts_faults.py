"""Faults that only the fixtures' facts reveal, and faults in finding the order by its number.

Each of these keeps every answer self-consistent (the amounts add up, the status stays
capturable), so only what the fixtures say of an order (`capture-order seed` writes it) shows it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from capture_order.contract.facts import money_fields
from tests.faults.edits import capture_body, on_order, order_number, with_body
from tests.faults.registry import FaultContext, Message, fault

FACTS = "capture state (facts)"
LOOKUP = "capture state (lookup)"


def _fixture_numbers(ctx: FaultContext) -> list[str]:
    return [o["number"] for o in ctx.fixtures.get("orders", [])]


async def _case_folded_lookup(ctx: FaultContext, request: Message) -> None:
    # `WHERE lower(number) = lower(?)`: another case of a number finds the order.
    _renumber(ctx, request, lambda n: n.casefold())


async def _trimmed_lookup(ctx: FaultContext, request: Message) -> None:
    # The number stripped of surrounding spaces before the lookup.
    _renumber(ctx, request, str.strip)


def _renumber(ctx: FaultContext, request: Message, fold: Any) -> None:
    body = capture_body(request)
    number = order_number(request)
    if body is None or number is None:
        return
    for known in _fixture_numbers(ctx):
        if number != known and fold(number) == fold(known):
            request.body = with_body(request, {**body, "order": known}).body


def _attributes_cleared(request: Message, response: Message) -> None:
    # Items captured without `attributes` get none, instead of keeping theirs.
    body = response.json()
    given = {
        i.get("pk")
        for i in (capture_body(request) or {}).get("order_items") or []
        if isinstance(i, dict) and "attributes" in i
    }
    capture = body.get("capture") if isinstance(body, dict) else None
    items = capture.get("items") if isinstance(capture, dict) else None
    if response.status == 200 and isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and item.get("pk") not in given:
                item["attributes"] = {}
        response.set_json(body)


async def _clear_absent_attributes(ctx: FaultContext, request: Message, response: Message) -> None:
    _attributes_cleared(request, response)


def _amounts_swapped(body: dict[str, Any]) -> None:
    # Item amounts read from the wrong rows: each captured item shows its neighbour's amount.
    capture = body.get("capture")
    items = capture.get("items") if isinstance(capture, dict) else None
    if isinstance(items, list) and len(items) > 1:
        amounts = [i.get("amount") for i in items]
        for item, amount in zip(items, amounts[1:] + amounts[:1], strict=True):
            item["amount"] = amount


def _status_moved_on(body: dict[str, Any]) -> None:
    # A capture moves the order from `450` preparing to `500` shipped (a capturable status too).
    if body.get("status") == "450":
        body["status"] = "500"


MONEY = money_fields("Order")


def _minor_units(body: dict[str, Any]) -> None:
    # Every amount in minor units (kuruş, cents): consistent, and 100 times what was authorized.
    for name in MONEY:
        if isinstance(body.get(name), Decimal | int) and not isinstance(body.get(name), bool):
            body[name] = body[name] * 100
    capture = body.get("capture")
    if isinstance(capture, dict):
        capture["amount"] = capture.get("amount", 0) * 100
        for item in capture.get("items") or []:
            if isinstance(item, dict):
                item["amount"] = item.get("amount", 0) * 100


def _currency_mislabelled(body: dict[str, Any]) -> None:
    # A currency table off by one row: Turkish lira orders reported as Kuwaiti dinar.
    if body.get("currency") == "try":
        body["currency"] = "kwd"


fault(
    "order_numbers_case_insensitive",
    "CO-CAP-10",
    kind=LOOKUP,
    does="finds an order by its number in another case",
    on_request=_case_folded_lookup,
)


fault(
    "order_numbers_trimmed",
    "CO-CAP-10",
    kind=LOOKUP,
    does="strips spaces around the order number before the lookup",
    on_request=_trimmed_lookup,
)


fault(
    "absent_attributes_cleared",
    "CO-CAP-07",
    kind=FACTS,
    does="reports `attributes: {}` for items captured without `attributes`",
    on_response=_clear_absent_attributes,
)


fault(
    "item_amounts_rotated",
    "CO-CAP-08",
    kind=FACTS,
    does="reports each captured item with its neighbour's amount (the sum stays right)",
    on_response=on_order(_amounts_swapped),
)


fault(
    "capture_moves_status_to_shipped",
    "CO-CAP-09",
    kind=FACTS,
    does="reports `status` `500` (shipped, capturable) after capturing a `450` order",
    on_response=on_order(_status_moved_on),
)


fault(
    "amounts_in_minor_units",
    "CO-MON-01",
    kind=FACTS,
    does="reports every amount of a 200 times 100 (minor units), consistently",
    on_response=on_order(_minor_units),
)


fault(
    "currency_mislabelled",
    "CO-MON-03",
    kind=FACTS,
    does="reports `try` orders as `kwd` (the digits still fit)",
    on_response=on_order(_currency_mislabelled),
)

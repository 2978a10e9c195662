"""Faults in what a capture does: state, all-or-nothing, attributes, races."""

from __future__ import annotations

import time
from typing import Any

from tests.faults.edits import (
    capture_body,
    error_index,
    on_order,
    order_number,
    problem,
    with_body,
)
from tests.faults.registry import FaultContext, Message, fault

STATE = "capture state"
LOSER_CODES = ("order_already_captured", "order_item_already_captured")


def _paid_after_capture(body: dict[str, Any]) -> None:
    # The fulfilment status moved to `547` paid on capture.
    body["status"] = "547"


def _always_fully_captured(body: dict[str, Any]) -> None:
    # capture_state computed from this request alone.
    body["capture_state"] = "fully_captured"


def _attributes_merged(body: dict[str, Any]) -> None:
    # Given attributes merged into the stored ones (dict.update) instead of replacing them.
    capture = body.get("capture")
    for item in capture.get("items") or [] if isinstance(capture, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("attributes"), dict):
            item["attributes"] = {"color": "blue", "gift": False, **item["attributes"]}


async def _drop_order_items(ctx: FaultContext, request: Message) -> None:
    # `order_items` read under another name: every capture becomes a full one.
    body = capture_body(request)
    if body is not None and "order_items" in body:
        request.body = with_body(request, {"order": body.get("order")}).body


async def _double_capture(ctx: FaultContext, request: Message, response: Message) -> Message | None:
    # A capture that does not look at what was captured before: every capture "succeeds".
    number = order_number(request)
    captured: dict[str, Message] = ctx.state.setdefault("captured", {})
    if number is None:
        return None
    if response.status == 200:
        captured[number] = response.copy()
    elif response.status == 409 and response.code in LOSER_CODES and number in captured:
        return captured[number].copy()
    return None


async def _race_double_capture(
    ctx: FaultContext, request: Message, response: Message
) -> Message | None:
    # A read-check-write without a lock: requests that overlapped the winner also "win".
    number = order_number(request)
    winners: dict[str, tuple[float, Message]] = ctx.state.setdefault("winners", {})
    if number is None:
        return None
    if response.status == 200:
        winners[number] = (time.monotonic(), response.copy())
        return None
    finished, winner = winners.get(number, (0.0, None))
    if response.status == 409 and response.code in LOSER_CODES and request.started < finished:
        return winner.copy() if winner else None
    return None


async def _applied_before_refusal(
    ctx: FaultContext, request: Message, response: Message, code: str
) -> None:
    # All or nothing broken: the listed items that could be captured are, the answer stays.
    body = capture_body(request)
    items = list(body.get("order_items") or []) if body else []
    latest = response
    for _ in range(len(items)):
        index = error_index(latest)
        if latest.code != code or index is None or index >= len(items) or body is None:
            return
        del items[index]
        if not items:
            return
        latest = await ctx.forward(with_body(request, {**body, "order_items": items}))


async def _unknown_item_partly_applied(
    ctx: FaultContext, request: Message, response: Message
) -> None:
    await _applied_before_refusal(ctx, request, response, "order_item_not_found")


async def _captured_item_partly_applied(
    ctx: FaultContext, request: Message, response: Message
) -> None:
    await _applied_before_refusal(ctx, request, response, "order_item_already_captured")


fault(
    "capture_changes_status",
    "CO-CAP-09",
    kind=STATE,
    does="reports `status` `547` (paid) after a capture",
    on_response=on_order(_paid_after_capture),
)
fault(
    "capture_state_always_full",
    "CO-CAP-08",
    kind=STATE,
    does="reports `capture_state: fully_captured` after partial captures too",
    on_response=on_order(_always_fully_captured),
)
fault(
    "attributes_merged_not_replaced",
    "CO-CAP-07",
    kind=STATE,
    does="merges given item attributes into the stored ones",
    on_response=on_order(_attributes_merged),
)
fault(
    "partial_capture_captures_everything",
    "CO-CAP-02",
    kind=STATE,
    does="drops `order_items` before forwarding (every capture is a full one)",
    on_request=_drop_order_items,
)
fault(
    "double_capture",
    "CO-CAP-05",
    "CO-MON-02",
    kind=STATE,
    does="answers a 409 already-captured with a copy of the order's earlier 200",
    on_response=_double_capture,
)
fault(
    "unknown_item_partially_applied",
    "CO-CAP-03",
    kind=STATE,
    does="on 422 order_item_not_found, re-sends without the unknown items, still answers 422",
    on_response=_unknown_item_partly_applied,
)
fault(
    "captured_item_partially_applied",
    "CO-CAP-04",
    kind=STATE,
    does="on 409 order_item_already_captured, re-sends without that item, still answers 409",
    on_response=_captured_item_partly_applied,
)
fault(
    "race_double_capture",
    "CO-CONC-01",
    kind="concurrency",
    does="answers 409s of requests that overlapped the winning capture with the winner's 200",
    on_response=_race_double_capture,
)


def _uncapturable(ctx: FaultContext, number: str | None) -> dict[str, Any]:
    return next(
        (o for o in ctx.fixtures.get("uncapturable_orders", []) if o["number"] == number), {}
    )


def _conflict(code: str, title: str, detail: str) -> Message:
    return problem(409, code, title, detail)


async def _refund_beats_cancel(
    ctx: FaultContext, request: Message, response: Message
) -> Message | None:
    # The refund checked before the cancellation: a refunded order being cancelled is "refunded".
    facts = _uncapturable(ctx, order_number(request))
    if response.code == "order_cancelled" and facts.get("status") == "600":
        return _conflict("order_refunded", "Order refunded", "This order is refunded.")
    return None


async def _cancel_status_not_read(
    ctx: FaultContext, request: Message, response: Message
) -> Message | None:
    # `cancel_status` not read: a capturable order being cancelled is merely "not capturable".
    facts = _uncapturable(ctx, order_number(request))
    capturable = facts.get("status") not in (None, "50", "100", "600")
    if response.code == "order_cancelled" and facts.get("cancel_status") and capturable:
        return _conflict(
            "order_not_capturable", "Order not capturable", "This order cannot be captured."
        )
    return None


def _state_from_amounts(body: dict[str, Any]) -> None:
    # `capture_state` derived from the money (captured == amount) instead of the items.
    if body.get("captured_amount") == body.get("amount"):
        body["capture_state"] = "fully_captured"


fault(
    "refund_beats_cancel",
    "CO-CAP-06",
    kind=STATE,
    does="answers a refunded order with a `cancel_status` 409 order_refunded",
    on_response=_refund_beats_cancel,
)
fault(
    "cancel_status_not_read",
    "CO-CAP-06",
    kind=STATE,
    does="answers a capturable order with a `cancel_status` 409 order_not_capturable",
    on_response=_cancel_status_not_read,
)
fault(
    "capture_state_from_amounts",
    "CO-MON-01",
    kind=STATE,
    does="reports `fully_captured` once `captured_amount` reaches `amount`, items left or not",
    on_response=on_order(_state_from_amounts),
)

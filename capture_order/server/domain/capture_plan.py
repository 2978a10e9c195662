"""The capture rules: which items a request captures, for how much, or why it cannot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from capture_order.server.domain import capture_errors
from capture_order.server.domain.order_model import (
    CANCELLED_STATUSES,
    CAPTURABLE_STATUSES,
    REFUNDED_STATUSES,
    AttributeValue,
    Order,
    OrderItem,
)


@dataclass(frozen=True)
class RequestedItem:
    """One item a partial capture lists; `attributes` None leaves them as they are."""

    pk: int
    attributes: Mapping[str, AttributeValue] | None = None


@dataclass(frozen=True)
class CaptureRequest:
    """What a client asks for: the order number and, for a partial capture, its items."""

    order_number: str
    items: tuple[RequestedItem, ...] | None = None


@dataclass(frozen=True)
class CapturedItem:
    """An item captured by one request, with its attributes after the capture."""

    pk: int
    amount: Decimal
    attributes: Mapping[str, AttributeValue]


@dataclass(frozen=True)
class Capture:
    """What one request captured and the order's totals afterwards."""

    items: tuple[CapturedItem, ...]
    amount: Decimal
    captured_at: datetime
    order_captured_amount: Decimal
    order_captured_pks: tuple[int, ...]
    fully_captured: bool


def check_no_duplicates(request: CaptureRequest) -> None:
    """Refuse a request that lists a pk twice (CO-REQ-06)."""
    first_seen: dict[int, int] = {}
    for index, item in enumerate(request.items or ()):
        if item.pk in first_seen:
            raise capture_errors.DuplicateOrderItemError(item.pk, index, first_seen[item.pk])
        first_seen[item.pk] = index


def check_capturable(order: Order) -> None:
    """Refuse an order whose status or capture state forbids a capture (CO-CAP-05, -06)."""
    if order.status in CANCELLED_STATUSES or order.cancel_status is not None:
        raise capture_errors.OrderCancelledError()
    if order.status in REFUNDED_STATUSES:
        raise capture_errors.OrderRefundedError()
    if order.status not in CAPTURABLE_STATUSES:
        raise capture_errors.OrderNotCapturableError(order.status)
    if order.is_fully_captured:
        raise capture_errors.OrderAlreadyCapturedError()


def plan_capture(order: Order | None, request: CaptureRequest, now: datetime) -> Capture:
    """Decide what the request captures, all or nothing; raise a CaptureError otherwise.

    `order` is None when the caller's channel has no order with the requested number.
    """
    check_no_duplicates(request)
    if order is None:
        raise capture_errors.OrderNotFoundError()
    check_capturable(order)
    by_pk = {item.pk: item for item in order.items}
    chosen: list[tuple[OrderItem, Mapping[str, AttributeValue] | None]]
    if request.items is None:
        chosen = [(item, None) for item in order.uncaptured_items]
    else:
        # Unknown items first: a request error outranks a state conflict.
        for index, wanted in enumerate(request.items):
            if wanted.pk not in by_pk:
                raise capture_errors.OrderItemNotFoundError(wanted.pk, index)
        for index, wanted in enumerate(request.items):
            if by_pk[wanted.pk].is_captured:
                raise capture_errors.OrderItemAlreadyCapturedError(wanted.pk, index)
        chosen = [(by_pk[wanted.pk], wanted.attributes) for wanted in request.items]
    captured = tuple(
        sorted(
            (
                CapturedItem(
                    item.pk, item.amount, dict(item.attributes if attrs is None else attrs)
                )
                for item, attrs in chosen
            ),
            key=lambda c: c.pk,
        )
    )
    captured_pks = {c.pk for c in captured}
    fully = all(item.is_captured or item.pk in captured_pks for item in order.items)
    item_total = sum((c.amount for c in captured), Decimal(0))
    # The last capture also takes the part of the amount no item carries (shipping,
    # interest), so a fully captured order has captured exactly its amount (CO-MON-01).
    new_total = order.amount if fully else order.captured_amount + item_total
    if new_total > order.amount:
        raise ValueError("capture would exceed the authorized amount")
    return Capture(
        items=captured,
        amount=new_total - order.captured_amount,
        captured_at=now,
        order_captured_amount=new_total,
        order_captured_pks=tuple(sorted({*order.captured_pks, *captured_pks})),
        fully_captured=fully,
    )

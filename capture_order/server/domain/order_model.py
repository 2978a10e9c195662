"""The parts of an order that the capture rules read and change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from capture_order.contract.facts import order_statuses
from capture_order.server.domain.money import has_valid_precision

# The spec's `x-capturable`, `x-cancelled` and `x-refunded` lists of OrderStatus.
CAPTURABLE_STATUSES = order_statuses("capturable")
CANCELLED_STATUSES = order_statuses("cancelled")
REFUNDED_STATUSES = order_statuses("refunded")

AttributeValue = str | bool


@dataclass(frozen=True)
class OrderItem:
    """One item of an order: its amount, attributes and capture state."""

    pk: int
    amount: Decimal
    attributes: Mapping[str, AttributeValue]
    captured_at: datetime | None = None

    @property
    def is_captured(self) -> bool:
        """True once the item was captured by some request."""
        return self.captured_at is not None


@dataclass(frozen=True)
class Order:
    """An order as the capture rules see it."""

    id: int
    number: str
    status: str
    cancel_status: str | None
    currency: str
    amount: Decimal
    captured_amount: Decimal
    items: tuple[OrderItem, ...]

    def __post_init__(self) -> None:
        # Money invariants the store must never break (CO-MON-01, CO-MON-03).
        item_total = sum((item.amount for item in self.items), Decimal(0))
        for value in (self.amount, self.captured_amount, *(i.amount for i in self.items)):
            if not has_valid_precision(value, self.currency):
                raise ValueError(f"amount {value} is not a valid {self.currency} amount")
        if item_total > self.amount:
            raise ValueError("the items' amounts exceed the order amount")
        if self.captured_amount > self.amount:
            raise ValueError("captured amount exceeds the order amount")

    @property
    def uncaptured_items(self) -> tuple[OrderItem, ...]:
        """Items not yet captured, in ascending pk order."""
        return tuple(sorted((i for i in self.items if not i.is_captured), key=lambda i: i.pk))

    @property
    def captured_pks(self) -> tuple[int, ...]:
        """Pks of every captured item, ascending."""
        return tuple(sorted(i.pk for i in self.items if i.is_captured))

    @property
    def is_fully_captured(self) -> bool:
        """True when no item is left to capture."""
        return not self.uncaptured_items

"""What a check needs from the fixtures, and the pool that grants it: each order to one check."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from capture_order.conformance.fixtures import FixtureOrder, UncapturableOrder
from capture_order.conformance.settings import Settings

TOKEN_HINT = "a token (--token, CAPTURE_ORDER_TOKEN or token in the fixtures)"
# The reason of a check that needs the token in a run without one.
NO_TOKEN = "no --token given (pass --token, CAPTURE_ORDER_TOKEN or token in the fixtures)"
FOREIGN_TOKEN_HINT = "foreign_token (--foreign-token or CAPTURE_ORDER_FOREIGN_TOKEN)"


@dataclass(frozen=True)
class OrderNeed:
    """One capturable order of channel A a check consumes."""

    min_items: int = 1
    free_item: bool = False  # facts: an item of amount 0, others that cost, no rest

    def fits(self, order: FixtureOrder) -> bool:
        """Whether the order can serve this need."""
        return len(order.items) >= self.min_items and (order.has_free_item or not self.free_item)

    def describe(self) -> str:
        """The need in the words of the fixtures file."""
        if self.free_item:
            return (
                f"an order with at least {self.min_items} items, one of amount 0, "
                "with `amount` and every item's `amount` in the fixtures"
            )
        return f"an order with at least {self.min_items} item(s)"


@dataclass(frozen=True)
class Needs:
    """Everything a check takes from the fixtures before it sends a request."""

    token: bool = True
    orders: tuple[OrderNeed, ...] = ()
    foreign_token: bool = False
    foreign_orders: int = 0  # orders of channel B it consumes
    foreign_listed: bool = False  # it reads a foreign order's number without consuming it
    uncapturable: bool = False  # it needs at least one of uncapturable_orders


@dataclass(frozen=True)
class Grant:
    """What a check was given: the settings and its own fixture orders."""

    settings: Settings
    orders: tuple[FixtureOrder, ...] = ()
    foreign_orders: tuple[FixtureOrder, ...] = ()


# A case's own need: None when the grant allows the case, else what it lacks.
CaseNeed = Callable[[Grant], str | None]


class OrdersExhaustedError(LookupError):
    """No unused fixture order fits the need."""


class OrderPool:
    """Fixture orders not yet given to a check, in fixtures-file order."""

    def __init__(self, orders: Sequence[FixtureOrder]) -> None:
        self._free = list(orders)
        self._total = len(orders)
        self._lock = threading.Lock()
        self.taken: dict[str, str] = {}  # order number -> check name

    def take(self, check: str, need: OrderNeed = OrderNeed()) -> FixtureOrder:
        """The smallest unused order that fits (plain orders before free-item ones)."""
        with self._lock:
            fitting = [(i, o) for i, o in enumerate(self._free) if need.fits(o)]
            if not fitting:
                raise OrdersExhaustedError(
                    f"needs {need.describe()}; {self._total} given, {len(self._free)} left"
                )
            # Best fit keeps the larger and the special orders for the checks that need them.
            index, order = min(fitting, key=lambda p: (len(p[1].items), p[1].has_free_item, p[0]))
            del self._free[index]
            self.taken[order.number] = check
            return order

    def give_back(self, orders: Sequence[FixtureOrder]) -> None:
        """Return orders of a grant that could not be completed (nothing was sent with them)."""
        with self._lock:
            for order in orders:
                self.taken.pop(order.number, None)
            self._free.extend(orders)

    @property
    def left(self) -> int:
        """How many orders are still unused."""
        return len(self._free)


def grant(
    check: str, needs: Needs, settings: Settings, pool: OrderPool, foreign_pool: OrderPool
) -> Grant | str:
    """The check's orders, taken from the pools; or why it cannot run (nothing taken then)."""
    if needs.token and not settings.token:
        return NO_TOKEN
    if needs.foreign_token and not settings.foreign_token:
        return f"needs {FOREIGN_TOKEN_HINT}"
    if needs.foreign_listed and not settings.foreign_orders:
        return "needs foreign_orders in the fixtures"
    if needs.uncapturable and not settings.uncapturable_orders:
        return "needs uncapturable_orders in the fixtures (one per code)"
    orders: list[FixtureOrder] = []
    foreign: list[FixtureOrder] = []
    try:
        for need in needs.orders:
            orders.append(pool.take(check, need))
        for _ in range(needs.foreign_orders):
            foreign.append(foreign_pool.take(check))
    except OrdersExhaustedError as exc:
        pool.give_back(orders)
        foreign_pool.give_back(foreign)
        where = "foreign_orders" if len(orders) == len(needs.orders) else "orders"
        return f"{exc} ({where} in the fixtures file)"
    return Grant(settings, tuple(orders), tuple(foreign))


# Case needs ---------------------------------------------------------------------------------


def order_fact(name: str, label: str) -> CaseNeed:
    """The case needs a fact of the check's first order (`status`, `amount`, ...)."""

    def need(given: Grant) -> str | None:
        order = given.orders[0] if given.orders else None
        value = getattr(order, name, None) if order is not None else None
        known = bool(value) if isinstance(value, dict) else value is not None
        if order is not None and name in ("item_amounts", "item_attributes"):
            known = set(order.items) <= set(value or {})
        return None if known else f"needs {label} in the fixtures (capture-order seed writes it)"

    return need


def uncapturable_where(wanted: Callable[[UncapturableOrder], bool], label: str) -> CaseNeed:
    """The case needs an uncapturable order of a kind (`code`, or facts)."""

    def need(given: Grant) -> str | None:
        if any(wanted(order) for order in given.settings.uncapturable_orders):
            return None
        return f"needs {label} in uncapturable_orders"

    return need

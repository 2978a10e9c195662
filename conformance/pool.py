"""Hands out fixture orders: each order to at most one mutating check."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from conformance.fixtures import FixtureOrder


class OrdersExhaustedError(LookupError):
    """No unused fixture order fits the request."""


class OrderPool:
    """Fixture orders not yet given to a check, in fixtures-file order."""

    def __init__(self, orders: Sequence[FixtureOrder]) -> None:
        self._free = list(orders)
        self._total = len(orders)
        self._lock = threading.Lock()
        self.taken: dict[str, str] = {}  # order number -> check name

    def take(self, check: str, *, min_items: int = 1) -> FixtureOrder:
        """The first unused order with at least `min_items` items, now owned by `check`."""
        with self._lock:
            for index, order in enumerate(self._free):
                if len(order.items) >= min_items:
                    del self._free[index]
                    self.taken[order.number] = check
                    return order
        raise OrdersExhaustedError(
            f"needs an unused fixture order with at least {min_items} item(s); "
            f"{self._total} given, {len(self._free)} left"
        )

    @property
    def left(self) -> int:
        """How many orders are still unused."""
        return len(self._free)

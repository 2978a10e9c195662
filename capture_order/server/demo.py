"""`serve --demo`: seed a database once; on every start, what of that data is capturable now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from capture_order.server.domain.capture_errors import CaptureError, OrderNotFoundError
from capture_order.server.domain.capture_plan import check_capturable
from capture_order.server.seeding import seed_fixtures
from capture_order.server.store import Store
from capture_order.server.token_cache import hash_token

DEMO_KEY = "fixtures"
DEMO_ORDERS = 5
DEMO_ITEMS = 3
# The demo's order numbers are always the same (CO-DEMO-0000, CO-ŞİĞ-DEMO-0001, ...): the
# README's examples name them. Fresh demo data gets new channels, where they are free again.
DEMO_LABEL = "DEMO"


@dataclass(frozen=True)
class DemoOrder:
    """A demo order of channel A as the database has it now."""

    number: str
    currency: str
    left: tuple[tuple[int, Decimal], ...]  # the items not captured yet: pk, amount
    captured: int  # how many of its items are captured
    refusal: str | None  # the 409 code a capture gets now; None while it is capturable


def ensure_demo(
    store: Store, now: datetime, *, reset: bool = False, first_pk: int | None = None
) -> dict[str, Any]:
    """The demo data: created on the first --demo start (or with `reset`), else read back."""
    stored = None if reset else store.demo_value(DEMO_KEY)
    if stored is not None:
        loaded: dict[str, Any] = json.loads(stored)
        return loaded
    # The demo token is kept in plain text on purpose so a restart can show it
    # again; it is demo data, documented as such. Real tokens are kept hashed.
    fixtures = seed_fixtures(
        store, "", DEMO_ORDERS, DEMO_ITEMS, now, first_pk=first_pk, label=DEMO_LABEL
    )
    store.set_demo_value(DEMO_KEY, json.dumps(fixtures))
    return fixtures


def demo_orders(store: Store, fixtures: dict[str, Any]) -> list[DemoOrder]:
    """The demo's capturable orders as they are now: captures made since are read back."""
    channel = store.channel_for_token(hash_token(fixtures["token"].removeprefix("Token ")))
    found = []
    for listed in fixtures["orders"]:
        order = None if channel is None else store.order(channel, listed["number"])
        if order is None:
            found.append(DemoOrder(listed["number"], "", (), 0, OrderNotFoundError.code))
            continue
        try:
            check_capturable(order)
            refusal = None
        except CaptureError as exc:
            refusal = exc.code
        left = tuple((item.pk, item.amount) for item in order.uncaptured_items)
        captured = len(order.items) - len(left)
        found.append(DemoOrder(order.number, order.currency, left, captured, refusal))
    return found

"""Test data: channels with fresh tokens and capturable orders, for `seed` and `serve --demo`.

The fixtures it writes carry each order's facts (status, currency, amount, and each item's
amount and attributes), so that the suite can check what only they tell (CO-CAP-09 ...).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from capture_order.server.store import NewItem, NewOrder, Store
from capture_order.server.token_cache import hash_token, new_token_key


@dataclass(frozen=True)
class Profile:
    """How a seeded order's money looks: its currency, item amounts and shipping."""

    currency: str
    shipping: Decimal
    step: Decimal  # the fractional part of the first item's amount

    def item_amounts(self, items: int, free: int = 0) -> list[Decimal]:
        """Distinct item amounts (100.1, 200.2, ... or 100.001, 200.002, ...); the last `free` 0."""
        return [
            Decimal(0) if i >= items - free else Decimal(100 * (i + 1)) + (i + 1) * self.step
            for i in range(items)
        ]


# Seeded orders cycle through these so that a conformance run meets two- and three-digit
# currencies, and orders with and without an unattributed rest (shipping) of the amount.
PROFILES = (
    Profile("try", Decimal("19.90"), Decimal("0.1")),
    Profile("kwd", Decimal("1.250"), Decimal("0.001")),
    Profile("eur", Decimal(0), Decimal("0.1")),
)
# The last seeded order carries a free item and no shipping: with only that item left it is
# partially captured with its whole amount captured (CO-MON-01/zero-amount-item).
FREE_ITEM_PROFILE = PROFILES[2]
ATTRIBUTES: dict[str, str | bool] = {"color": "blue", "gift": False}
# Order numbers of two series: real deployments have letters beyond ASCII in theirs (Turkish
# dotted and dotless i among them, whose case mappings change a string's length).
SERIES = ("CO", "CO-ŞİĞ")


@dataclass(frozen=True)
class SeededOrder:
    """An order created by the seeder: its number, its item pks and its facts."""

    number: str
    items: list[int]
    status: str = "450"
    cancel_status: str | None = None
    currency: str = "try"
    amount: Decimal = Decimal(0)
    item_amounts: tuple[Decimal, ...] = ()

    def fixture(self) -> dict[str, Any]:
        """The order as the conformance fixtures list it, with its facts (amounts as text)."""
        return {
            "number": self.number,
            "status": self.status,
            "currency": self.currency,
            "amount": str(self.amount),
            "items": [
                {"pk": pk, "amount": str(amount), "attributes": dict(ATTRIBUTES)}
                for pk, amount in zip(self.items, self.item_amounts, strict=True)
            ],
        }

    def uncapturable(self, code: str) -> dict[str, Any]:
        """The order as `uncapturable_orders` lists it: the code it must get, and its facts."""
        return {
            "number": self.number,
            "code": code,
            "status": self.status,
            "cancel_status": self.cancel_status,
        }


def order_fields(
    number: str,
    item_total: Decimal,
    now: datetime,
    *,
    status: str,
    cancel_status: str | None,
    profile: Profile = PROFILES[0],
) -> dict[str, Any]:
    """Every seed field of a realistic order whose items add up to `item_total`."""
    placed = now - timedelta(days=1)
    return {
        "number": number,
        "customer": secrets.randbelow(90_000) + 10_000,
        "date_placed": placed,
        "payment_option": 1,
        "payment_option_slug": "credit-card",
        "bin_number": "454360",
        "installment": 1,
        "installment_count": 1,
        "installment_interest_amount": Decimal(0),
        "cargo_company": 1,
        "is_send": False,
        "delivery_type": "standard",
        "cancellation_info": {},
        "cancel_status": cancel_status,
        "shipping_interest_amount": Decimal(0),
        "external_status": 1,
        "client_type": "default",
        "carrier_shipping_code": None,
        "segment": None,
        "checkout_provider_id": None,
        "status": status,
        "currency": profile.currency,
        "amount": item_total + profile.shipping,
        "discount_amount": Decimal(0),
        "shipping_amount": profile.shipping,
        "shipping_tax_rate": Decimal(18),
        "refund_amount": Decimal(0),
        "discount_refund_amount": Decimal(0),
        "shipping_refund_amount": Decimal(0),
        "invoice_number": None,
        "invoice_date": None,
        "e_archive_url": None,
        "tracking_number": None,
        "defined_tracking_url": None,
        "shipping_company": "yurtici",
        "remote_addr": "192.0.2.10",
        "has_gift_box": False,
        "gift_box_note": None,
        "language_code": "tr",
        "notes": None,
        "shipping_option_slug": "standard-shipping",
        "extra_field": {"seeded": True},
        "created_date": placed,
        "modified_date": placed,
        "captured_amount": Decimal(0),
    }


def create_channel(store: Store, name: str, now: datetime) -> tuple[int, str]:
    """A channel with one fresh token; returns its id and the token's key."""
    channel_id = store.create_channel(name)
    key = new_token_key()
    store.add_token(channel_id, hash_token(key), now)
    return channel_id, key


def new_order(
    number: str,
    items: int,
    now: datetime,
    *,
    status: str = "450",
    cancel_status: str | None = None,
    profile: Profile = PROFILES[0],
    free_items: int = 0,
) -> NewOrder:
    """An order of `items` items with distinct amounts in the profile's currency."""
    amounts = profile.item_amounts(items, free_items)
    new_items = [NewItem(a, status, dict(ATTRIBUTES)) for a in amounts]
    fields = order_fields(
        number,
        sum(amounts, Decimal(0)),
        now,
        status=status,
        cancel_status=cancel_status,
        profile=profile,
    )
    return NewOrder(fields, new_items)


def add_orders(
    store: Store, channel_id: int, orders: list[NewOrder], *, first_pk: int | None = None
) -> list[SeededOrder]:
    """Create the orders in one transaction; what the fixtures say of each."""
    pks = store.add_orders(channel_id, orders, first_pk=first_pk)
    return [
        SeededOrder(
            o.fields["number"],
            p,
            o.fields["status"],
            o.fields["cancel_status"],
            o.fields["currency"],
            o.fields["amount"],
            tuple(item.amount for item in o.items),
        )
        for o, p in zip(orders, pks, strict=True)
    ]


def create_order(
    store: Store,
    channel_id: int,
    number: str,
    items: int,
    now: datetime,
    *,
    status: str = "450",
    cancel_status: str | None = None,
    profile: Profile = PROFILES[0],
    free_items: int = 0,
) -> SeededOrder:
    """One order of `items` items (see `new_order`), created now."""
    order = new_order(
        number,
        items,
        now,
        status=status,
        cancel_status=cancel_status,
        profile=profile,
        free_items=free_items,
    )
    return add_orders(store, channel_id, [order])[0]


def order_number(run: str, index: int, suffix: str) -> str:
    """A seeded order's number: every other one with non-ASCII letters (`CO-ŞİĞ-...`)."""
    series = SERIES[index % len(SERIES)]
    return f"{series}-{run}-{suffix}"


def seed_fixtures(
    store: Store,
    base_url: str,
    orders: int,
    items: int,
    now: datetime,
    *,
    first_pk: int | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """Two fresh channels and their orders, as a conformance fixtures document.

    With `first_pk`, the orders' and items' pks start there (or after the highest in use).
    Order numbers carry `label` (the demo's, so the README's examples name them), or a random
    one: a number is unique in its channel only, and every run makes new channels.
    """
    tag = secrets.token_hex(4)
    run = label or tag
    channel_a, key_a = create_channel(store, f"channel-a-{tag}", now)
    channel_b, key_b = create_channel(store, f"channel-b-{tag}", now)
    regular = [
        new_order(order_number(run, i, f"{i:04d}"), items, now, profile=PROFILES[i % len(PROFILES)])
        for i in range(orders - 1)
    ]
    free = 1 if orders > 1 and items > 1 else 0
    last = new_order(
        order_number(run, orders - 1, f"{orders - 1:04d}"),
        items,
        now,
        profile=FREE_ITEM_PROFILE,
        free_items=free,
    )
    own = add_orders(store, channel_a, [*regular, last], first_pk=first_pk)
    foreign = add_orders(
        store,
        channel_b,
        [new_order(order_number(run, i, f"B{i:03d}"), items, now) for i in range(2)],
        first_pk=first_pk,
    )
    # (number suffix, status, cancel_status, the 409 code the order gets)
    states = (
        ("X50", "50", None, "order_cancelled"),
        ("X100", "100", None, "order_cancelled"),
        ("X600", "600", None, "order_refunded"),
        ("X300", "300", None, "order_not_capturable"),
        ("XCW", "450", "waiting", "order_cancelled"),
        ("X6CW", "600", "cancelled", "order_cancelled"),
    )
    blocked = add_orders(
        store,
        channel_a,
        [
            new_order(order_number(run, i, suffix), 2, now, status=status, cancel_status=cancel)
            for i, (suffix, status, cancel, _) in enumerate(states)
        ],
        first_pk=first_pk,
    )
    return {
        "base_url": base_url,
        "token": f"Token {key_a}",
        "orders": [order.fixture() for order in own],
        "foreign_token": f"Token {key_b}",
        "foreign_orders": [order.fixture() for order in foreign],
        "uncapturable_orders": [
            order.uncapturable(code) for order, (*_, code) in zip(blocked, states, strict=True)
        ],
    }

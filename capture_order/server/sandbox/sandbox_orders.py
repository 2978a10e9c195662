"""Orders in named states: what a NewOrder asks for, its row, its state, and moves between states.

Captured states are reached by real captures (the control handler runs them); only cancel and
refund write an order's status directly, as an operator's tool would.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update

from capture_order.contract.spec import load_spec
from capture_order.server import wire
from capture_order.server.domain import capture_errors
from capture_order.server.domain.capture_plan import check_capturable
from capture_order.server.domain.money import has_valid_precision, minor_digits
from capture_order.server.domain.order_model import Order
from capture_order.server.sandbox.control_problems import ControlProblem
from capture_order.server.seeding import Profile, order_fields
from capture_order.server.store import LoadedOrder, NewItem, NewOrder, Transaction
from capture_order.server.store import schema as t

STATES = (
    "capturable",
    "partially_captured",
    "fully_captured",
    "cancelled",
    "refunded",
    "not_authorized",
)
CAPTURED_STATES = ("partially_captured", "fully_captured", "refunded")
OPEN_STATUS = "450"  # preparing: capturable
NOT_AUTHORIZED_STATUS = "300"  # payment_waiting
CANCELLED_STATUS = "100"
REFUNDED_STATUS = "600"
DEFAULT_ITEMS = 3
DEFAULT_CURRENCY = "try"


@dataclass(frozen=True)
class OrderPlan:
    """A NewOrder checked and with its defaults: what to create."""

    channel: int
    number: str
    state: str
    currency: str
    amounts: tuple[Decimal, ...]
    shipping: Decimal

    def new_order(self, now: datetime) -> NewOrder:
        """The order to insert: open (or not authorized), nothing captured yet."""
        status = NOT_AUTHORIZED_STATUS if self.state == "not_authorized" else OPEN_STATUS
        profile = Profile(self.currency, self.shipping, Decimal(0))
        total = sum(self.amounts, Decimal(0))
        fields = order_fields(
            self.number, total, now, status=status, cancel_status=None, profile=profile
        )
        return NewOrder(fields, [NewItem(a, status, {"sandbox": True}) for a in self.amounts])


def currencies() -> frozenset[str]:
    """The capture contract's Currency values."""
    values: list[str] = load_spec()["components"]["schemas"]["Currency"]["enum"]
    return frozenset(values)


def default_amounts(items: int, currency: str) -> tuple[Decimal, ...]:
    """100.01, 200.02, ... with the currency's digits (100.001, ... for three)."""
    step = Decimal(100) + Decimal(1).scaleb(-minor_digits(currency))
    return tuple(step * (i + 1) for i in range(items))


def plan_order(body: Mapping[str, Any], default_channel: int | None) -> OrderPlan:
    """The plan of a schema-valid NewOrder; ControlProblem (422) for what the schema cannot say."""
    channel = body.get("channel", default_channel)
    if channel is None:
        raise ControlProblem("unknown_channel", "No default channel (no demo data): give channel.")
    currency = body.get("currency", DEFAULT_CURRENCY)
    if currency not in currencies():
        raise ControlProblem("unknown_currency", errors={"currency": [f"{currency} is unknown"]})
    given = body.get("amounts")
    items = body.get("items", DEFAULT_ITEMS if given is None else len(given))
    if given is not None and len(given) != items:
        detail = f"items is {items} but amounts lists {len(given)}."
        raise ControlProblem("items_mismatch", detail)
    state = body.get("state", "capturable")
    if state == "partially_captured" and items < 2:
        raise ControlProblem("items_mismatch", "A partially captured order needs 2 items or more.")
    amounts = default_amounts(items, currency) if given is None else tuple(map(Decimal, given))
    shipping = Decimal(body.get("shipping", 0))
    wrong = {
        f"amounts[{i}]": [f"{a} has more fractional digits than {currency} has"]
        for i, a in enumerate(amounts)
        if not has_valid_precision(a, currency)
    }
    if not has_valid_precision(shipping, currency):
        wrong["shipping"] = [f"{shipping} has more fractional digits than {currency} has"]
    if wrong:
        raise ControlProblem("invalid_amount", errors=wrong)
    number = body.get("number") or f"SBX-{secrets.token_hex(5)}"
    return OrderPlan(channel, number, state, currency, amounts, shipping)


def state_of(order: Order) -> str:
    """The order's state, as a capture of it would meet it."""
    try:
        check_capturable(order)
    except capture_errors.OrderCancelledError:
        return "cancelled"
    except capture_errors.OrderRefundedError:
        return "refunded"
    except capture_errors.OrderNotCapturableError:
        return "not_authorized"
    except capture_errors.OrderAlreadyCapturedError:
        return "fully_captured"
    return "partially_captured" if order.captured_pks else "capturable"


def channel_exists(tx: Transaction, channel: int) -> bool:
    """Whether a sales channel has this id."""
    query = select(t.channels.c.id).where(t.channels.c.id == channel)
    return tx.conn.execute(query).first() is not None


def channels_of(tx: Transaction, number: str) -> list[int]:
    """The channels that have an order with this number."""
    query = select(t.orders.c.channel_id).where(t.orders.c.number == number)
    return sorted(int(row.channel_id) for row in tx.conn.execute(query))


def find(tx: Transaction, number: str, channel: int | None) -> LoadedOrder:
    """The order, in the channel given or the only one that has it; ControlProblem otherwise."""
    if channel is None:
        found = channels_of(tx, number)
        if len(found) > 1:
            raise ControlProblem("ambiguous_order", f"Channels {found} have an order {number}.")
        channel = found[0] if found else None
    loaded = None if channel is None else tx.load_order(channel, number, lock=True)
    if loaded is None:
        raise ControlProblem("order_not_found")
    return loaded


def move(tx: Transaction, loaded: LoadedOrder, status: str, now: datetime) -> None:
    """Set the order's and its items' status; a refund refunds what was captured."""
    pk = loaded.row["pk"]
    changes: dict[str, Any] = {"status": status, "modified_date": now}
    if status == REFUNDED_STATUS:
        changes["refund_amount"] = t.orders.c.captured_amount
    tx.conn.execute(update(t.orders).where(t.orders.c.pk == pk).values(**changes))
    tx.conn.execute(
        update(t.order_items).where(t.order_items.c.order_pk == pk).values(status=status)
    )


def document(loaded: LoadedOrder) -> dict[str, Any]:
    """The SandboxOrder body."""
    order, row = loaded.order, loaded.row
    currency = order.currency
    return {
        "number": order.number,
        "channel": int(row["channel_id"]),
        "state": state_of(order),
        "status": order.status,
        "currency": currency,
        "amount": wire.money(order.amount, currency),
        "captured_amount": wire.money(order.captured_amount, currency),
        "items": [
            {"pk": i.pk, "amount": wire.money(i.amount, currency), "captured": i.is_captured}
            for i in sorted(order.items, key=lambda i: i.pk)
        ],
    }

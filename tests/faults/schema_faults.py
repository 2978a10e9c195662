"""Faults in the 200 body: schema (missing, wrong type, enum, null, format) and money."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from capture_order.contract.facts import minor_digits
from tests.faults.edits import on_order
from tests.faults.registry import fault

SCHEMA = "response schema"
MONEY = "response schema (money)"


def _drop_customer(body: dict[str, Any]) -> None:
    # A serializer that leaves out a field it thinks nobody reads.
    body.pop("customer", None)


def _channel_as_string(body: dict[str, Any]) -> None:
    # An ID column read as text and passed through.
    body["channel"] = str(body.get("channel"))


def _currency_upper_case(body: dict[str, Any]) -> None:
    # ISO 4217 habits: `TRY` where the upstream wire value is `try`.
    if isinstance(body.get("currency"), str):
        body["currency"] = body["currency"].upper()


def _date_placed_null(body: dict[str, Any]) -> None:
    # A nullable database column serialized as it is.
    body["date_placed"] = None


def _amount_as_string(body: dict[str, Any]) -> None:
    # Decimals serialized as strings, the Django REST framework default.
    body["amount"] = str(body.get("amount"))


def _minor_unit(body: dict[str, Any], finer: int = 0) -> Decimal:
    """The currency's smallest amount (0.01, or 0.001 for three-digit currencies), or finer."""
    currency = body.get("currency")
    return Decimal(1).scaleb(-minor_digits(currency if isinstance(currency, str) else None) - finer)


def _shipping_with_fee_unrounded(body: dict[str, Any]) -> None:
    # A computed amount (here: shipping with a fee) that is never rounded to the currency.
    shipping = body.get("shipping_amount")
    if isinstance(shipping, Decimal | int):
        body["shipping_amount"] = Decimal(shipping) + 5 * _minor_unit(body, finer=1)


def _naive_captured_at(body: dict[str, Any]) -> None:
    # datetime.isoformat() of a naive datetime: no offset, so not an RFC 3339 date-time.
    capture = body.get("capture")
    if isinstance(capture, dict) and isinstance(capture.get("captured_at"), str):
        capture["captured_at"] = capture["captured_at"].rstrip("Zz").split("+")[0]


def _rounded_up_per_capture(body: dict[str, Any]) -> None:
    # Each capture's share rounded up: the running total ends a minor unit above the amount.
    captured = body.get("captured_amount")
    if isinstance(captured, Decimal | int):
        body["captured_amount"] = captured + _minor_unit(body)


fault(
    "order_missing_required_field",
    "CO-RSP-02",
    kind=SCHEMA,
    does="drops the required `customer` from every 200 Order",
    on_response=on_order(_drop_customer),
)
fault(
    "order_field_wrong_type",
    "CO-RSP-02",
    kind=SCHEMA,
    does='sends `channel` as a string ("1") instead of an integer',
    on_response=on_order(_channel_as_string),
)
fault(
    "order_unknown_enum_value",
    "CO-RSP-02",
    kind=SCHEMA,
    does="sends `currency` as `TRY`, not a value of the enum",
    on_response=on_order(_currency_upper_case),
)
fault(
    "order_null_where_not_nullable",
    "CO-RSP-02",
    kind=SCHEMA,
    does="sends `date_placed: null` (required, not nullable)",
    on_response=on_order(_date_placed_null),
)
fault(
    "amount_as_string",
    "CO-RSP-02",
    kind=MONEY,
    does='sends `amount` as a JSON string (`"620.5"`)',
    on_response=on_order(_amount_as_string),
)
fault(
    "amount_with_three_fraction_digits",
    "CO-MON-03",
    kind=MONEY,
    does="adds half a minor unit to `shipping_amount` (0.005 try, 0.0005 kwd)",
    on_response=on_order(_shipping_with_fee_unrounded),
)
fault(
    "date_time_without_offset",
    "CO-RSP-02",
    kind=SCHEMA,
    does="sends `capture.captured_at` without its `Z` (a naive date-time)",
    on_response=on_order(_naive_captured_at),
)
fault(
    "captured_total_above_authorized",
    "CO-MON-01",
    kind="capture state",
    does="adds one minor unit to `captured_amount` on every capture",
    on_response=on_order(_rounded_up_per_capture),
)

"""The Order body of a capture: every seed field of the order after it, and what it took."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from capture_order.contract.facts import money_fields
from capture_order.server import wire
from capture_order.server.answering import ServerAnswer
from capture_order.server.domain.capture_plan import Capture

# The Order's money fields (`$ref: Money`), each written with its currency's digits.
MONEY_FIELDS = frozenset(money_fields("Order"))
# The seed's Order fields, in the spec's order; `channel` is the row's channel_id.
ORDER_FIELDS = (
    "pk",
    "number",
    "channel",
    "customer",
    "date_placed",
    "payment_option",
    "payment_option_slug",
    "bin_number",
    "installment",
    "installment_count",
    "installment_interest_amount",
    "cargo_company",
    "is_send",
    "delivery_type",
    "cancellation_info",
    "cancel_status",
    "shipping_interest_amount",
    "external_status",
    "client_type",
    "carrier_shipping_code",
    "segment",
    "checkout_provider_id",
    "status",
    "currency",
    "amount",
    "discount_amount",
    "shipping_amount",
    "shipping_tax_rate",
    "refund_amount",
    "discount_refund_amount",
    "shipping_refund_amount",
    "invoice_number",
    "invoice_date",
    "e_archive_url",
    "tracking_number",
    "defined_tracking_url",
    "shipping_company",
    "remote_addr",
    "has_gift_box",
    "gift_box_note",
    "language_code",
    "notes",
    "shipping_option_slug",
    "extra_field",
    "created_date",
    "modified_date",
)


# Fields the spec lets be null; a missing value of any other field is left out.
NULLABLE_FIELDS = frozenset(
    {
        "payment_option_slug",
        "bin_number",
        "installment_count",
        "delivery_type",
        "cancel_status",
        "carrier_shipping_code",
        "segment",
        "checkout_provider_id",
        "shipping_tax_rate",
        "invoice_number",
        "invoice_date",
        "e_archive_url",
        "tracking_number",
        "defined_tracking_url",
        "remote_addr",
        "gift_box_note",
        "language_code",
        "notes",
        "shipping_option_slug",
    }
)


# Each field's treatment, worked out once: (name, the row's column, money?, nullable?).
_PLAN = tuple(
    (
        name,
        "channel_id" if name == "channel" else name,
        name in MONEY_FIELDS,
        name in NULLABLE_FIELDS,
    )
    for name in ORDER_FIELDS
)


def order_body(row: Mapping[str, Any], capture: Capture) -> dict[str, Any]:
    """The 200 body: every seed field of the order plus what was captured (CO-CAP-08)."""
    currency = row["currency"]
    body: dict[str, Any] = {}
    for name, column, is_money, nullable in _PLAN:
        value = row.get(column)
        if value is None:
            if nullable:
                body[name] = None
            continue
        if is_money:
            value = wire.money(value, currency)
        elif isinstance(value, Decimal):  # a rate, not money: its own digits
            value = wire.number(value)
        elif isinstance(value, datetime):
            value = wire.timestamp(value)
        body[name] = value
    body["capture_state"] = "fully_captured" if capture.fully_captured else "partially_captured"
    body["captured_amount"] = wire.money(capture.order_captured_amount, currency)
    body["captured_items"] = list(capture.order_captured_pks)
    body["capture"] = {
        "items": [
            {
                "pk": item.pk,
                "amount": wire.money(item.amount, currency),
                "attributes": dict(item.attributes),
            }
            for item in capture.items
        ],
        "amount": wire.money(capture.amount, currency),
        "captured_at": wire.timestamp(capture.captured_at),
    }
    return body


def capture_answer(row: Mapping[str, Any], capture: Capture) -> ServerAnswer:
    """The 200 answer of a committed capture, as sent and as kept for replay."""
    state = "fully_captured" if capture.fully_captured else "partially_captured"
    return ServerAnswer(200, wire.dumps(order_body(row, capture)), state)

"""The tables: channels, hashed tokens, orders with every seed field, items, captures, replays."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from capture_order.contract.facts import request_limits
from capture_order.server.store.types import Money, UtcDateTime

# Column widths the spec sets (its maxLength), so a valid request always fits.
KEY_WIDTH = request_limits().key_max
ORDER_NUMBER_WIDTH = request_limits().order_max

metadata = MetaData()

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities.
Id = BigInteger().with_variant(Integer(), "sqlite")

channels = Table(
    "channels",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # sha256 of the key: a database leak does not leak usable tokens.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=False),
    Column("number", String(ORDER_NUMBER_WIDTH), nullable=False),
    Column("customer", BigInteger, nullable=False),
    Column("date_placed", UtcDateTime, nullable=False),
    Column("payment_option", BigInteger),
    Column("payment_option_slug", String(128)),
    Column("bin_number", String(16)),
    Column("installment", BigInteger),
    Column("installment_count", Integer),
    Column("installment_interest_amount", Money),
    Column("cargo_company", BigInteger),
    Column("is_send", Boolean),
    Column("delivery_type", String(32)),
    Column("cancellation_info", JSON),
    Column("cancel_status", String(32)),
    Column("shipping_interest_amount", Money),
    Column("external_status", BigInteger),
    Column("client_type", String(32)),
    Column("carrier_shipping_code", String(128)),
    Column("segment", String(128)),
    Column("checkout_provider_id", BigInteger),
    Column("status", String(8), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("amount", Money, nullable=False),
    Column("discount_amount", Money),
    Column("shipping_amount", Money),
    Column("shipping_tax_rate", Money),
    Column("refund_amount", Money),
    Column("discount_refund_amount", Money),
    Column("shipping_refund_amount", Money),
    Column("invoice_number", String(128)),
    Column("invoice_date", UtcDateTime),
    Column("e_archive_url", String(2048)),
    Column("tracking_number", String(128)),
    Column("defined_tracking_url", String(2048)),
    Column("shipping_company", String(32)),
    Column("remote_addr", String(45)),
    Column("has_gift_box", Boolean),
    Column("gift_box_note", Text),
    Column("language_code", String(16)),
    Column("notes", Text),
    Column("shipping_option_slug", String(128)),
    Column("extra_field", JSON),
    Column("created_date", UtcDateTime, nullable=False),
    Column("modified_date", UtcDateTime, nullable=False),
    Column("captured_amount", Money, nullable=False),
    UniqueConstraint("channel_id", "number", name="uq_orders_channel_number"),
)

captures = Table(
    "captures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_pk", Id, ForeignKey("orders.pk"), nullable=False, index=True),
    Column("amount", Money, nullable=False),
    Column("captured_at", UtcDateTime, nullable=False),
)

order_items = Table(
    "order_items",
    metadata,
    Column("pk", Id, primary_key=True, autoincrement=True),
    Column("order_pk", Id, ForeignKey("orders.pk"), nullable=False, index=True),
    Column("amount", Money, nullable=False),
    Column("status", String(8), nullable=False),
    Column("attributes", JSON, nullable=False),
    Column("capture_id", Id, ForeignKey("captures.id")),
    Column("captured_at", UtcDateTime),
)

idempotent_requests = Table(
    "idempotent_requests",
    metadata,
    Column("channel_id", Id, ForeignKey("channels.id"), primary_key=True),
    Column("key", String(KEY_WIDTH), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # in_progress | completed
    Column("status", Integer),
    Column("body", Text),
    # The answer's problem code or capture state, kept so a replay is never re-parsed.
    Column("outcome", String(64)),
    Column("created_at", UtcDateTime, nullable=False, index=True),
)

# The demo data `serve --demo` created, so that a restart can print it again.
demo = Table(
    "demo",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

"""JSON on the wire: exact decimals as number literals, UTC timestamps with a `Z`."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import msgspec

from capture_order.server.domain.money import quantize


@functools.lru_cache(maxsize=4096)  # shipping, tax rates, zeros: the same amounts recur
def money(amount: Decimal, currency: str) -> Decimal:
    """The amount as it goes on the wire: the currency's digits, trailing zeros dropped."""
    return number(quantize(amount, currency))


def number(value: Decimal) -> Decimal:
    """A decimal as it goes on the wire: trailing zeros dropped, never an exponent."""
    normalized = value.normalize()
    # normalize() writes 1000 as 1E+3; quantizing to the units restores plain digits.
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def timestamp(moment: datetime) -> str:
    """An RFC 3339 UTC timestamp like 2024-11-20T11:22:23.702774Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Decimals are written as exact number literals (never floats): the wire's money.
_ENCODER = msgspec.json.Encoder(decimal_format="number")


def dumps(value: Any) -> bytes:
    """Serialize JSON as UTF-8, every Decimal as an exact number literal."""
    return _ENCODER.encode(value)

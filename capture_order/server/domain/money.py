"""Exact decimal money: every amount is quantized to its currency's minor unit."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from capture_order.contract.facts import DEFAULT_MINOR_UNITS, minor_units

# ISO 4217 minor units, from the spec's `x-minor-units` (CO-MON-03).
MINOR_UNITS = minor_units()


def minor_digits(currency: str) -> int:
    """How many fractional digits amounts in this currency carry."""
    return MINOR_UNITS.get(currency, DEFAULT_MINOR_UNITS)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """The amount rounded to the currency's minor unit."""
    exponent = Decimal(1).scaleb(-minor_digits(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_EVEN)


def has_valid_precision(amount: Decimal, currency: str) -> bool:
    """True when the amount is non-negative and needs no more than the currency's digits."""
    return amount >= 0 and quantize(amount, currency) == amount

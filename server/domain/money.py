"""Exact decimal money: every amount is quantized to its currency's minor unit."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 minor units; every other currency of the spec has two (CO-MON-03).
THREE_DIGIT_CURRENCIES = frozenset({"kwd", "bhd", "omr", "jod", "iqd"})


def minor_digits(currency: str) -> int:
    """How many fractional digits amounts in this currency carry."""
    return 3 if currency in THREE_DIGIT_CURRENCIES else 2


def quantize(amount: Decimal, currency: str) -> Decimal:
    """The amount rounded to the currency's minor unit."""
    exponent = Decimal(1).scaleb(-minor_digits(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_EVEN)


def has_valid_precision(amount: Decimal, currency: str) -> bool:
    """True when the amount is non-negative and needs no more than the currency's digits."""
    return amount >= 0 and quantize(amount, currency) == amount

"""Exact decimal arithmetic for amounts: a context that neither rounds them nor overflows."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal

# Amounts are judged digit for digit: Python's default context rounds past 28 significant digits
# (a normalized 100.0000000000000000000000000001 would show no fractional digit, and a rounded
# sum would call a correct capture wrong) and raises Overflow past an exponent of 999,999. This
# one keeps 1,000 digits and any exponent, and rounds past them rather than raise: a hostile
# 1E+999999999 costs a thousand digits, not a crash.
EXACT = Context(prec=1000, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])


def exact_sum(values: Iterable[Decimal | int]) -> Decimal:
    """The sum of amounts, exactly (in EXACT)."""
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total

"""Values read out of untrusted bodies: objects, lists, exact amounts and their digits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from capture_order.conformance.exact import EXACT
from capture_order.conformance.http import Exchange

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
# The JSON numbers of a decimal body (an isinstance tuple: a `Decimal | int` union is built anew
# and checked more slowly at every call, and judging traffic checks a dozen amounts a 200).
NUMBER = (Decimal, int)


def obj(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one (bodies are untrusted)."""
    return value if isinstance(value, dict) else {}


def listed(value: Any) -> list[Any]:
    """The value when it is a JSON array, else an empty one (a number there must not crash)."""
    return value if isinstance(value, list) else []


def decimal_body(exchange: Exchange) -> dict[str, Any]:
    """The body with numbers as Decimal, so written digits can be counted."""
    return obj(exchange.decimal_json())


def exact_number(value: Any) -> Decimal | None:
    """A JSON number as an exact Decimal (None for anything else, booleans included)."""
    if isinstance(value, bool) or not isinstance(value, NUMBER):
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


def integer(value: Any) -> bool:
    """Whether a JSON value is an integer (booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def pk_order(pk: Any) -> tuple[int, Any]:
    """The sort key of a pk: integers by value (pks are int64), anything else after, as text.

    By text, 1000 would come before 998: a correct answer listing 998, 999, 1000 would not look
    ascending.
    """
    return (0, pk) if integer(pk) else (1, str(pk))


def describe(exchange: Exchange) -> str:
    """Status, code and a short body: what the 'Received' line shows."""
    code = exchange.code
    body = exchange.text(300)
    head = f"{exchange.status}" + (f" with code {code}" if code else "")
    return f"{head} ({exchange.media_type or 'no content type'}): {body}" if body else head


def fractional_digits(value: Decimal | int) -> int:
    """Fractional digits of the value (trailing zeros do not count)."""
    if isinstance(value, int):
        return 0
    exponent = value.normalize(EXACT).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def too_precise(value: Decimal | int, digits: int) -> bool:
    """Whether the value has more than `digits` fractional digits (trailing zeros do not count).

    As `fractional_digits(value) > digits`, sooner: the places are counted in the value's text
    (`str` of a Decimal costs a tenth of `as_tuple`), and only an amount showing more than
    `digits` of them, or written with an exponent, is normalized (trailing zeros may take it
    back under).
    """
    if isinstance(value, int):
        return False
    text = str(value)
    if "E" not in text:
        point = text.find(".")
        if point < 0 or len(text) - point - 1 <= digits:
            return False
    return fractional_digits(value) > digits


def bad_amount(value: Any, digits: int) -> bool:
    """Whether a JSON value is an amount that is negative or has too many fractional digits."""
    return (
        isinstance(value, NUMBER)
        and not isinstance(value, bool)
        and (value < 0 or too_precise(value, digits))
    )


def amounts_pass(values: list[Any], digits: int) -> bool:
    """Whether no value is a bad amount: `bad_amount` over them all, in one loop.

    Judging traffic walks a dozen amounts of every 200 (most an int 0 or a short Decimal): the
    common kinds are told by their exact type and a Decimal by its text, with no call per value.
    """
    for value in values:
        kind = type(value)
        if kind is int:
            if value < 0:
                return False
        elif kind is Decimal:
            text = str(value)
            if text[0] == "-" and value < 0:
                return False
            point = text.find(".")
            if ("E" in text or (point >= 0 and len(text) - point - 1 > digits)) and too_precise(
                value, digits
            ):
                return False
        elif bad_amount(value, digits):
            return False
    return True

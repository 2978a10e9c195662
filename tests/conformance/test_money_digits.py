"""CO-MON-03's digits: an amount with more fractional digits than its currency has is found,
however the number is written (trailing zeros do not count)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.book import Book
from capture_order.conformance.judge.broken import Expected
from capture_order.conformance.judge.captures import CapturesReportWhatTheyDid
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.conformance.judge.seen import Seen
from capture_order.conformance.judge.values import amounts_pass, bad_amount
from capture_order.conformance.reproduce import Redactor


def _calls(body: str) -> list[tuple[str, bool, str]]:
    """What the captures rule says of a 200 body as written: (case, passed, received) each."""
    json.loads(body)  # the body is JSON as written
    exchange = Exchange("POST", "http://127.0.0.1/", (), b"{}", 200, (), body.encode(), 1.0, "test")
    rule = CapturesReportWhatTheyDid(Redactor({}), Book(Facts()))
    rule.feed_expected(Seen.of(exchange), Expected((), False))
    found = [(ref, False, f.received) for ref, kept in rule.findings.items() for f in kept]
    return found + [(ref, True, "") for ref in rule.observed if ref not in rule.findings]


def _digits_finding(amount: str, currency: str = "try") -> tuple[bool, str]:
    # The amount goes in as written: a JSON value would not keep its digits.
    body = (
        f'{{"currency": "{currency}", "amount": {amount}, "captured_amount": 0, '
        '"capture_state": "partially_captured", '
        '"capture": {"amount": 0, "items": [{"pk": 1, "amount": 0}]}}'
    )
    return next((ok, got) for req, ok, got in _calls(body) if req == "CO-MON-03/digits")


@pytest.mark.parametrize(
    "amount", ["10", "10.5", "10.25", "10.250", "10.2500000", "1E+3", "1.5E+1", "0.10", "-0"]
)
def test_amounts_within_the_currency_digits_pass(amount: str) -> None:
    assert _digits_finding(amount) == (True, "")


@pytest.mark.parametrize(
    "amount",
    ["10.251", "10.2501", "1E-7", "12.345e-1", "0.0010000001", "100.0000000000000000000000000001"],
)
def test_amounts_past_the_currency_digits_are_named(amount: str) -> None:
    ok, received = _digits_finding(amount)
    assert not ok
    assert received.startswith("amount=")


def test_the_digits_follow_the_currency() -> None:
    assert _digits_finding("10.251", "kwd") == (True, "")
    assert _digits_finding("10.2501", "kwd")[0] is False


def test_a_negative_amount_is_named() -> None:
    assert _digits_finding("-1.5") == (False, "amount=-1.5")


def _adds_up(amount: str, captured: str, this: str, item: str) -> dict[str, bool]:
    body = (
        f'{{"currency": "try", "amount": {amount}, "captured_amount": {captured}, '
        '"capture_state": "partially_captured", '
        f'"capture": {{"amount": {this}, "items": [{{"pk": 1, "amount": {item}}}]}}}}'
    )
    return {requirement: ok for requirement, ok, _ in _calls(body)}


ADDING_UP = (
    "CO-CAP-08/capture-amount",
    "CO-MON-01/grows-by-capture",
    "CO-MON-03/digits",
    "CO-MON-01/never-exceeds",
)


def test_amounts_past_28_digits_add_up_exactly() -> None:
    # The default decimal context would round these sums and call the capture wrong.
    long = "1234567890123456789012345678.91"
    found = _adds_up(long, long, long, long)
    assert {ref: found[ref] for ref in ADDING_UP} == dict.fromkeys(ADDING_UP, True)
    wrong = _adds_up(long, "1234567890123456789012345678.9", long, long)
    assert wrong["CO-MON-01/grows-by-capture"] is False


def test_an_amount_past_any_exponent_is_judged_not_crashed_on() -> None:
    huge = "1e9999999"
    assert _adds_up(huge, huge, huge, huge)["CO-MON-01/grows-by-capture"] is True
    assert _adds_up(huge, "1e9999998", huge, huge)["CO-MON-01/grows-by-capture"] is False


# What a decimal reading of JSON can hold (no NaN: JSON has none), and values of other types.
ODD_AMOUNTS = [
    *(json.loads(t, parse_float=Decimal) for t in ("0", "7", "-1", "-0", "-0.0", "0.001", "-0.5")),
    *(Decimal(t) for t in ("1E+3", "1E-7", "-1E-9", "12.345e-1", "100.10", "1.000", "-2.50")),
    *(Decimal(t) for t in ("Infinity", "-Infinity", "1e9999999", "-1e-9999999")),
    True,
    False,
    1.5,
    -2.0,
    "10.5",
    None,
    [1],
    {"amount": 1},
]


@pytest.mark.parametrize("digits", [0, 2, 3])
def test_the_quick_pass_over_amounts_agrees_with_the_judgement_of_each(digits: int) -> None:
    for value in ODD_AMOUNTS:
        alone = not bad_amount(value, digits)
        assert amounts_pass([value], digits) == alone, (value, digits)
        assert amounts_pass([0, Decimal("1.5"), value], digits) == (alone and digits > 0)

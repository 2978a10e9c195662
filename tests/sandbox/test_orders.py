"""Orders in every named state, given or defaulted, and moved between two captures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from capture_order.server.sandbox.client import Sandbox, SandboxError
from tests.sandbox.conftest import problem

# What a capture of an order in each state meets.
CAPTURE_OF_STATE = {
    "capturable": (200, None),
    "partially_captured": (200, None),
    "fully_captured": (409, "order_already_captured"),
    "cancelled": (409, "order_cancelled"),
    "refunded": (409, "order_refunded"),
    "not_authorized": (409, "order_not_capturable"),
}


@pytest.mark.parametrize("state", list(CAPTURE_OF_STATE))
def test_an_order_created_in_a_state_is_captured_as_that_state_says(
    sandbox: Sandbox, state: str
) -> None:
    order = sandbox.create_order(state)
    assert order.state == state and len(order.items) == 3
    captured = [item.captured for item in order.items]
    expected = {"partially_captured": [True, False, False], "refunded": [True] * 3}
    assert captured == expected.get(state, [state == "fully_captured"] * 3)
    status, code = CAPTURE_OF_STATE[state]
    answer = sandbox.capture(order)
    if code is None:
        assert answer.status_code == 200 and answer.json()["capture_state"] == "fully_captured"
    else:
        problem(answer, status, code)


def test_amounts_currency_and_shipping_are_given_or_defaulted(sandbox: Sandbox) -> None:
    default = sandbox.create_order()
    assert (default.currency, default.amount) == ("try", Decimal("600.06"))
    assert [i.amount for i in default.items] == [
        Decimal("100.01"),
        Decimal("200.02"),
        Decimal("300.03"),
    ]
    kwd = sandbox.create_order(items=2, currency="kwd")
    assert [i.amount for i in kwd.items] == [Decimal("100.001"), Decimal("200.002")]
    given = sandbox.create_order(amounts=["19.99", 5], currency="eur", shipping="4.5")
    assert given.amount == Decimal("29.49") and len(given.items) == 2
    body = sandbox.capture(given).json()
    assert body["amount"] == body["captured_amount"] == 29.49 and body["currency"] == "eur"


def test_an_order_cancelled_between_two_captures_is_a_409(sandbox: Sandbox) -> None:
    order = sandbox.create_order(items=3)
    assert sandbox.capture(order, items=[order.pks[0]]).status_code == 200
    cancelled = sandbox.cancel(order)
    assert (cancelled.state, cancelled.status) == ("cancelled", "100")
    problem(sandbox.capture(order, items=[order.pks[1]]), 409, "order_cancelled")
    assert sandbox.order(order).captured_amount == Decimal("100.01")


def test_an_order_refunded_between_two_captures_is_a_409(sandbox: Sandbox) -> None:
    order = sandbox.create_order("partially_captured")
    refunded = sandbox.refund(order)
    assert (refunded.state, refunded.status) == ("refunded", "600")
    problem(sandbox.capture(order), 409, "order_refunded")


def test_an_order_number_is_unique_per_channel_and_found_by_channel(sandbox: Sandbox) -> None:
    a, b = sandbox.channels()[:2]
    sandbox.create_order(number="SBX-twice", channel=a)
    with pytest.raises(SandboxError) as taken:
        sandbox.create_order(number="SBX-twice", channel=a)
    assert (taken.value.status, taken.value.code) == (409, "order_exists")
    sandbox.create_order("cancelled", number="SBX-twice", channel=b)
    with pytest.raises(SandboxError) as ambiguous:
        sandbox.order("SBX-twice")
    assert (ambiguous.value.status, ambiguous.value.code) == (409, "ambiguous_order")
    assert sandbox.order("SBX-twice", channel=b).state == "cancelled"
    with pytest.raises(SandboxError) as missing:
        sandbox.order("SBX-never")
    assert (missing.value.status, missing.value.code) == (404, "order_not_found")


@pytest.mark.requirement("CO-SBX-10")
@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"channel": 999_999}, "unknown_channel", "channel"),
        ({"currency": "xyz"}, "unknown_currency", "currency"),
        ({"amounts": ["10.001"]}, "invalid_amount", "amounts[0]"),
        ({"shipping": "0.0001", "currency": "kwd"}, "invalid_amount", "shipping"),
        ({"items": 2, "amounts": ["1"]}, "items_mismatch", None),
        ({"state": "partially_captured", "items": 1}, "items_mismatch", None),
    ],
)
def test_an_order_the_sandbox_cannot_make_is_a_422_naming_why(
    sandbox: Sandbox, fields: dict[str, object], code: str, field: str | None
) -> None:
    with pytest.raises(SandboxError) as refused:
        sandbox.create_order(**fields)  # type: ignore[arg-type]
    assert (refused.value.status, refused.value.code) == (422, code)
    if field is not None:
        assert field in refused.value.problem["errors"]

"""Expectations on a 200 `Order` body shared by the capture checks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from conformance import schemas
from conformance.context import JSON, CheckContext, describe
from conformance.fixtures import FixtureOrder
from conformance.http import Exchange

# Order properties holding amounts (format decimal), checked for CO-MON-03.
MONEY_FIELDS = (
    "amount",
    "captured_amount",
    "installment_interest_amount",
    "shipping_interest_amount",
    "discount_amount",
    "shipping_amount",
    "refund_amount",
    "discount_refund_amount",
    "shipping_refund_amount",
)


def obj(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one (bodies are untrusted)."""
    return value if isinstance(value, dict) else {}


def decimal_body(exchange: Exchange) -> dict[str, Any]:
    """The body with numbers as Decimal, so written digits can be counted."""
    try:
        body = json.loads(exchange.response_body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def fractional_digits(value: Decimal | int) -> int:
    """Fractional digits of the value (trailing zeros do not count)."""
    if isinstance(value, int):
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def expect_valid_order(
    ctx: CheckContext, exchange: Exchange, history: Sequence[Exchange] = ()
) -> bool:
    """A 200 is application/json and its body conforms to `Order` (CO-RSP-02)."""
    body = exchange.json()
    problems = schemas.errors("Order", body) if body is not None else ["body is not JSON"]
    ok = ctx.expect(
        exchange.media_type == JSON and not problems,
        "CO-RSP-02",
        "200 body is not a valid Order",
        expected="application/json conforming to the Order schema",
        received=f"{exchange.media_type or 'no content type'}; " + "; ".join(problems or ["valid"]),
        exchanges=[*history, exchange],
    )
    return ok


def expect_money_rules(
    ctx: CheckContext, exchange: Exchange, history: Sequence[Exchange] = ()
) -> None:
    """Amounts: non-negative, currency digits (CO-MON-03), never above `amount` (CO-MON-01)."""
    body = decimal_body(exchange)
    currency = body.get("currency")
    digits = schemas.money_digits(currency if isinstance(currency, str) else None)
    amounts: list[tuple[str, Any]] = [
        (name, body.get(name)) for name in MONEY_FIELDS if name in body
    ]
    capture = obj(body.get("capture"))
    amounts.append(("capture.amount", capture.get("amount")))
    for index, item in enumerate(capture.get("items") or []):
        if isinstance(item, dict):
            amounts.append((f"capture.items[{index}].amount", item.get("amount")))
    bad = [
        f"{name}={value}"
        for name, value in amounts
        if isinstance(value, Decimal | int)
        and not isinstance(value, bool)
        and (value < 0 or fractional_digits(value) > digits)
    ]
    ctx.expect(
        not bad,
        "CO-MON-03",
        "Amount is negative or has too many fractional digits",
        expected=f"non-negative amounts with at most {digits} fractional digits ({currency})",
        received=", ".join(bad),
        exchanges=[*history, exchange],
    )
    amount, captured = body.get("amount"), body.get("captured_amount")
    if isinstance(amount, Decimal | int) and isinstance(captured, Decimal | int):
        ctx.expect(
            captured <= amount,
            "CO-MON-01",
            "Captured more than authorized",
            expected=f"captured_amount <= amount ({amount})",
            received=f"captured_amount {captured}",
            exchanges=[*history, exchange],
        )


def expect_capture(
    ctx: CheckContext,
    exchange: Exchange,
    order: FixtureOrder,
    *,
    captured_now: Sequence[int],
    captured_total: Sequence[int],
    history: Sequence[Exchange] = (),
) -> dict[str, Any]:
    """A 200 reporting exactly this capture and the cumulative state (CO-CAP-08, CO-MON-01)."""
    body = decimal_body(exchange)
    full = set(captured_total) == set(order.items)
    capture = obj(body.get("capture"))
    now = [i.get("pk") for i in capture.get("items") or [] if isinstance(i, dict)]
    received = {
        "number": body.get("number"),
        "capture.items": now,
        "captured_items": body.get("captured_items"),
        "capture_state": body.get("capture_state"),
        "captured_amount": str(body.get("captured_amount")),
        "amount": str(body.get("amount")),
    }
    wanted_state = "fully_captured" if full else "partially_captured"
    ctx.expect(
        body.get("number") == order.number
        and now == sorted(captured_now)
        and body.get("captured_items") == sorted(captured_total)
        and body.get("capture_state") == wanted_state,
        "CO-CAP-08",
        "The 200 does not tell what was captured",
        expected=(
            f"number {order.number}, capture.items {sorted(captured_now)}, "
            f"captured_items {sorted(captured_total)}, capture_state {wanted_state}"
        ),
        received=json.dumps(received),
        exchanges=[*history, exchange],
    )
    amount, captured = body.get("amount"), body.get("captured_amount")
    if isinstance(amount, Decimal | int) and isinstance(captured, Decimal | int):
        ctx.expect(
            captured == amount if full else captured < amount,
            "CO-MON-01",
            "captured_amount does not match the capture state",
            expected=f"captured_amount {'==' if full else '<'} amount ({amount})",
            received=f"captured_amount {captured} with {len(set(captured_total))} "
            f"of {len(order.items)} items captured",
            exchanges=[*history, exchange],
        )
    expect_money_rules(ctx, exchange, history)
    return body


def expect_ok(
    ctx: CheckContext,
    exchange: Exchange,
    requirement: str,
    title: str,
    history: Sequence[Exchange] = (),
) -> bool:
    """Expect a 200 whose body is a valid Order; stop the check otherwise."""
    ok = ctx.expect(
        exchange.status == 200,
        requirement,
        title,
        expected="200 with the Order",
        received=describe(exchange),
        exchanges=[*history, exchange],
    )
    ctx.abort_unless(ok)
    expect_valid_order(ctx, exchange, history)
    return ok

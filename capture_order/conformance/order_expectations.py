"""Expectations on a 200 `Order` body, shared by the capture checks (helpers, not checks)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from capture_order.conformance.context import JSON, CheckContext, describe
from capture_order.conformance.exact import EXACT, exact_sum
from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.http import Exchange
from capture_order.contract.facts import minor_digits
from capture_order.contract.validation import contract_judge

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


class Expects(Protocol):
    """What records failed expectations: a check's context, or a rule over traffic."""

    def expect(
        self,
        condition: bool,
        requirement: str | None,
        title: str,
        *,
        expected: str,
        received: str,
        exchanges: Iterable[Exchange] = (),
    ) -> bool:
        """Record a finding unless the condition holds; return the condition."""


def obj(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one (bodies are untrusted)."""
    return value if isinstance(value, dict) else {}


def listed(value: Any) -> list[Any]:
    """The value when it is a JSON array, else an empty one (a number there must not crash)."""
    return value if isinstance(value, list) else []


def decimal_body(exchange: Exchange) -> dict[str, Any]:
    """The body with numbers as Decimal, so written digits can be counted."""
    body = exchange.decimal_json()
    return body if isinstance(body, dict) else {}


# The JSON numbers of a decimal body (an isinstance tuple: a `Decimal | int` union is built anew
# and checked more slowly at every call, and judging traffic checks a dozen amounts a 200).
NUMBER = (Decimal, int)


def fractional_digits(value: Decimal | int) -> int:
    """Fractional digits of the value (trailing zeros do not count)."""
    if isinstance(value, int):
        return 0
    exponent = value.normalize(EXACT).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _too_precise(value: Decimal | int, digits: int) -> bool:
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


def expect_valid_order(
    ctx: CheckContext, exchange: Exchange, history: Sequence[Exchange] = ()
) -> bool:
    """A 200 is application/json and its body conforms to `Order` (CO-RSP-02)."""
    body = exchange.json()
    judge = contract_judge()
    problems = judge.schema_errors("Order", body) if body is not None else ["body is not JSON"]
    ok = ctx.expect(
        exchange.media_type == JSON and not problems,
        "CO-RSP-02/order-body",
        "200 body is not a valid Order",
        expected="application/json conforming to the Order schema",
        received=f"{exchange.media_type or 'no content type'}; " + "; ".join(problems or ["valid"]),
        exchanges=[*history, exchange],
    )
    return ok


def expect_money_rules(
    ctx: Expects,
    exchange: Exchange,
    history: Sequence[Exchange] = (),
    order: FixtureOrder | None = None,
) -> None:
    """Amounts: non-negative, currency digits (CO-MON-03), never above `amount` (CO-MON-01).

    With the order's facts, the digits are judged by the currency the fixtures give.
    """
    body = decimal_body(exchange)
    currency = body.get("currency")
    if order is not None and order.currency is not None:
        ctx.expect(
            currency == order.currency,
            "CO-MON-03/currency-as-given",
            "The order's currency is not the one the fixtures give",
            expected=f"currency {order.currency!r}",
            received=f"currency {currency!r}",
            exchanges=[*history, exchange],
        )
        currency = order.currency
    digits = minor_digits(currency if isinstance(currency, str) else None)
    capture = obj(body.get("capture"))
    items = [item for item in listed(capture.get("items")) if isinstance(item, dict)]
    # Judged value by value; the names are written only for a failure (nearly every 200 passes).
    values = [body.get(name) for name in MONEY_FIELDS]
    values.append(capture.get("amount"))
    values += [item.get("amount") for item in items]
    bad: list[str] = []
    if not _amounts_pass(values, digits):
        names = [
            *MONEY_FIELDS,
            "capture.amount",
            *(f"capture.items[{index}].amount" for index in range(len(items))),
        ]
        bad = [f"{n}={v}" for n, v in zip(names, values, strict=True) if _bad_amount(v, digits)]
    ctx.expect(
        not bad,
        "CO-MON-03/digits",
        "Amount is negative or has too many fractional digits",
        expected=f"non-negative amounts with at most {digits} fractional digits ({currency})"
        if bad
        else "",
        received=", ".join(bad),
        exchanges=[*history, exchange],
    )
    amount, captured = body.get("amount"), body.get("captured_amount")
    if isinstance(amount, NUMBER) and isinstance(captured, NUMBER):
        within = captured <= amount
        ctx.expect(
            within,
            "CO-MON-01/never-exceeds",
            "Captured more than authorized",
            expected="" if within else f"captured_amount <= amount ({amount})",
            received="" if within else f"captured_amount {captured}",
            exchanges=[*history, exchange],
        )


def _amounts_pass(values: list[Any], digits: int) -> bool:
    """Whether no value is a bad amount: `_bad_amount` over them all, in one loop.

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
            if ("E" in text or (point >= 0 and len(text) - point - 1 > digits)) and _too_precise(
                value, digits
            ):
                return False
        elif _bad_amount(value, digits):
            return False
    return True


def _bad_amount(value: Any, digits: int) -> bool:
    """Whether a JSON value is an amount that is negative or has too many fractional digits."""
    return (
        isinstance(value, NUMBER)
        and not isinstance(value, bool)
        and (value < 0 or _too_precise(value, digits))
    )


def expect_capture(
    ctx: CheckContext,
    exchange: Exchange,
    order: FixtureOrder,
    *,
    captured_now: Sequence[int],
    captured_total: Sequence[int],
    history: Sequence[Exchange] = (),
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A 200 reporting exactly this capture and the cumulative state (CO-CAP-08, CO-MON-01).

    `previous` is the decimal body of the order's last 200 before this one (None: the order
    had nothing captured), so the amounts can be followed from capture to capture.
    """
    body = decimal_body(exchange)
    full = set(captured_total) == set(order.items)
    capture = obj(body.get("capture"))
    now = [i.get("pk") for i in listed(capture.get("items")) if isinstance(i, dict)]
    received = {
        "number": body.get("number"),
        "capture.items": now,
        "captured_items": body.get("captured_items"),
        "capture_state": body.get("capture_state"),
        "captured_amount": str(body.get("captured_amount")),
        "amount": str(body.get("amount")),
    }
    wanted_state = "fully_captured" if full else "partially_captured"
    shown = [*history, exchange]
    for case, ok, wanted in (
        (
            "capture-items",
            body.get("number") == order.number and now == sorted(captured_now),
            f"number {order.number}, capture.items {sorted(captured_now)}",
        ),
        (
            "cumulative-items",
            body.get("captured_items") == sorted(captured_total),
            f"captured_items {sorted(captured_total)}",
        ),
        (
            "capture-state",
            body.get("capture_state") == wanted_state,
            f"capture_state {wanted_state}",
        ),
    ):
        ctx.expect(
            ok,
            f"CO-CAP-08/{case}",
            "The 200 does not tell what was captured",
            expected=wanted,
            received=json.dumps(received),
            exchanges=shown,
        )
    amount, captured = body.get("amount"), body.get("captured_amount")
    if isinstance(amount, NUMBER) and isinstance(captured, NUMBER):
        # At most, not less: with only free items left a partial capture has taken it all.
        ctx.expect(
            captured == amount if full else captured <= amount,
            "CO-MON-01/full-equals-amount" if full else "CO-MON-01/never-exceeds",
            "captured_amount does not match the capture state",
            expected=f"captured_amount {'==' if full else '<='} amount ({amount})",
            received=f"captured_amount {captured} with {len(set(captured_total))} "
            f"of {len(order.items)} items captured",
            exchanges=shown,
        )
    expect_amounts_add_up(ctx, exchange, full=full, previous=previous, history=history)
    expect_money_rules(ctx, exchange, history, order)
    expect_facts(ctx, exchange, order, history)
    return body


def expect_facts(
    ctx: CheckContext, exchange: Exchange, order: FixtureOrder, history: Sequence[Exchange] = ()
) -> None:
    """What the fixtures say of the order holds in a 200: status, amount, items' amounts."""
    body = decimal_body(exchange)
    shown = [*history, exchange]
    if order.status is not None:
        ctx.expect(
            body.get("status") == order.status,
            "CO-CAP-09/status-as-before",
            "Capture changed the order status the fixtures give",
            expected=f"status {order.status!r}, as before the capture",
            received=f"status {body.get('status')!r}",
            exchanges=shown,
        )
    if order.amount is not None:
        ctx.expect(
            exact_number(body.get("amount")) == order.amount,
            "CO-MON-01/amount-as-authorized",
            "The order's amount is not the authorized amount the fixtures give",
            expected=f"amount {order.amount}",
            received=f"amount {body.get('amount')}",
            exchanges=shown,
        )
    items = [obj(i) for i in listed(obj(body.get("capture")).get("items"))]
    wrong = [
        f"pk {i.get('pk')}: {i.get('amount')} (fixtures: {order.item_amounts[i['pk']]})"
        for i in items
        if i.get("pk") in order.item_amounts
        and exact_number(i.get("amount")) != order.item_amounts[i["pk"]]
    ]
    ctx.expect(
        not wrong,
        "CO-CAP-08/item-amounts-known",
        "A captured item's amount is not the one the fixtures give",
        expected="capture.items[].amount as in the fixtures",
        received="; ".join(wrong),
        exchanges=shown,
    )


def expect_attributes_kept(
    ctx: CheckContext, exchange: Exchange, order: FixtureOrder, history: Sequence[Exchange] = ()
) -> None:
    """Items captured without `attributes` keep the ones the fixtures give (CO-CAP-07)."""
    items = [obj(i) for i in listed(obj(decimal_body(exchange).get("capture")).get("items"))]
    wrong = [
        f"pk {i.get('pk')}: {i.get('attributes')} (fixtures: {order.item_attributes[i['pk']]})"
        for i in items
        if i.get("pk") in order.item_attributes
        and i.get("attributes") != order.item_attributes[i["pk"]]
    ]
    ctx.expect(
        not wrong,
        "CO-CAP-07/absent-kept",
        "An item captured without attributes did not keep its attributes",
        expected="capture.items[].attributes as the fixtures give them",
        received="; ".join(wrong),
        exchanges=[*history, exchange],
    )


def exact_number(value: Any) -> Decimal | None:
    """A JSON number as an exact Decimal (None for anything else, booleans included)."""
    if isinstance(value, bool) or not isinstance(value, NUMBER):
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


def expect_amounts_add_up(
    ctx: Expects,
    exchange: Exchange,
    *,
    full: bool,
    previous: dict[str, Any] | None,
    history: Sequence[Exchange] = (),
) -> None:
    """`capture.amount` is what this request added to `captured_amount` (CO-CAP-08, CO-MON-01).

    A capture that leaves items uncaptured takes exactly its items' amounts; the final one
    also takes the rest of the order amount that no item carries, so that `captured_amount`
    ends equal to `amount`. The arithmetic is exact: the numbers are read as Decimal.
    """
    body = decimal_body(exchange)
    capture = obj(body.get("capture"))
    amount = exact_number(body.get("amount"))
    captured = exact_number(body.get("captured_amount"))
    this = exact_number(capture.get("amount"))
    before = Decimal(0) if previous is None else exact_number(previous.get("captured_amount"))
    items = [exact_number(obj(i).get("amount")) for i in listed(capture.get("items"))]
    item_amounts = [a for a in items if a is not None]
    if amount is None or captured is None or this is None or before is None:
        return  # the schema check reports a missing or non-numeric amount
    # The messages are written only for a failure: nearly every 200 passes.
    if len(item_amounts) == len(items):
        item_sum = exact_sum(item_amounts)
        adds_up = this >= item_sum if full else this == item_sum
        ctx.expect(
            adds_up,
            "CO-CAP-08/capture-amount",
            "capture.amount is less than the captured items' amounts"
            if full
            else "capture.amount is not the sum of the captured items' amounts",
            expected=""
            if adds_up
            else (
                f"capture.amount >= {item_sum} (the items, plus the rest of amount on the final "
                "capture)"
                if full
                else f"capture.amount == {item_sum} (the sum of capture.items[].amount)"
            ),
            received="" if adds_up else f"capture.amount {this} for items amounting to {item_sum}",
            exchanges=[*history, exchange],
        )
    grew = captured == EXACT.add(before, this)
    ctx.expect(
        grew,
        "CO-MON-01/grows-by-capture",
        "captured_amount did not grow by exactly capture.amount",
        expected="" if grew else f"captured_amount == {before} (before) + {this} (capture.amount)",
        received="" if grew else f"captured_amount {captured}",
        exchanges=[*history, exchange],
    )
    if full:
        rest = this == EXACT.subtract(amount, before)
        ctx.expect(
            rest,
            "CO-CAP-08/capture-amount",
            "The final capture did not take the rest of the order amount",
            expected=""
            if rest
            else f"capture.amount == amount - captured before == {amount} - {before}",
            received="" if rest else f"capture.amount {this}",
            exchanges=[*history, exchange],
        )


def expect_ok(
    ctx: CheckContext,
    exchange: Exchange,
    requirement: str | None,
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


def expect_untouched(
    ctx: CheckContext,
    exchange: Exchange,
    order: FixtureOrder,
    requirement: str,
    title: str,
    history: Sequence[Exchange] = (),
) -> bool:
    """A full capture after refused requests is a 200 that captures every item: none was taken."""
    ok = expect_ok(ctx, exchange, requirement, title, history)
    now = [
        obj(i).get("pk") for i in listed(obj(decimal_body(exchange).get("capture")).get("items"))
    ]
    return ok and ctx.expect(
        now == sorted(order.items),
        requirement,
        title,
        expected=f"capture.items {sorted(order.items)} (nothing was captured before)",
        received=f"capture.items {now}",
        exchanges=[*history, exchange],
    )

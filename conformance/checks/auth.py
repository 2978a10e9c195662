"""Authentication: no valid token, no capture, and a 401 that names the scheme."""

from __future__ import annotations

import re

from conformance.context import CheckContext
from conformance.http import Exchange
from conformance.order_expectations import expect_capture, expect_ok
from conformance.registry import check

SCHEME = re.compile(r"^\s*Token\b")


def _bad_credentials(ctx: CheckContext) -> list[tuple[str, str | None, str]]:
    """(label, Authorization value or None, expected code) for each way to be unauthenticated."""
    key = f"{ctx.rng.getrandbits(160):040x}"
    cases: list[tuple[str, str | None, str]] = [
        ("missing Authorization", None, "not_authenticated"),
        ("another scheme", f"Bearer {key}", "authentication_failed"),
        ("scheme without key", "Token", "authentication_failed"),
        ("unknown key", f"Token {key}", "authentication_failed"),
    ]
    if ctx.settings.token:
        bare = ctx.settings.token.split(" ", 1)[-1]
        cases.append(("the valid key without its scheme", bare, "authentication_failed"))
    return cases


def _expect_401(ctx: CheckContext, exchange: Exchange, label: str, code: str) -> None:
    ctx.expect_status(
        exchange, 401, "CO-AUTH-01", f"Request with {label} was not rejected", code=code
    )
    if exchange.status == 401:
        challenge = exchange.header("WWW-Authenticate")
        ctx.expect(
            challenge is not None and bool(SCHEME.match(challenge)),
            "CO-AUTH-02",
            "401 does not name the Token scheme",
            expected="WWW-Authenticate: Token",
            received=f"WWW-Authenticate: {challenge}"
            if challenge
            else "no WWW-Authenticate header",
            exchanges=[exchange],
        )


@check("CO-AUTH-01", "CO-AUTH-02")
def unauthenticated_requests_are_rejected(ctx: CheckContext) -> None:
    """Missing, malformed and unknown tokens get 401 with WWW-Authenticate: Token."""
    number = ctx.unknown_order()
    for label, value, code in _bad_credentials(ctx):
        _expect_401(ctx, ctx.capture(number, token=value), label, code)


@check("CO-AUTH-01")
def unauthenticated_requests_capture_nothing(ctx: CheckContext) -> None:
    """Unauthenticated captures of a real order leave it fully capturable."""
    order = ctx.order()
    sent = []
    for label, value, code in _bad_credentials(ctx):
        exchange = ctx.capture(order.number, token=value)
        _expect_401(ctx, exchange, label, code)
        sent.append(exchange)
    full = ctx.capture(order.number)
    expect_ok(ctx, full, "CO-AUTH-01", "An unauthenticated request captured the order", sent)
    expect_capture(
        ctx, full, order, captured_now=order.items, captured_total=order.items, history=sent
    )

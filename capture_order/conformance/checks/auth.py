"""Authentication: no valid token, no capture; the Token scheme read as HTTP defines it."""

from __future__ import annotations

from capture_order.conformance.context import CheckContext
from capture_order.conformance.http import Exchange
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.order_expectations import expect_capture, expect_untouched
from capture_order.conformance.registry import check

# (case, label, expected code): how each refused credential is built is in `_refused`.
REFUSED = (
    ("no-header", "no Authorization header", "not_authenticated"),
    ("empty-value", "an empty Authorization value", "not_authenticated"),
    ("scheme-only", "`Token` without a key", "authentication_failed"),
    ("bare-key", "the valid key without its scheme", "authentication_failed"),
    ("other-scheme", "the valid key under `Bearer`", "authentication_failed"),
    ("other-scheme", "the valid key under `Basic`", "authentication_failed"),
    ("misspelt-scheme", "the valid key under `Tokens`", "authentication_failed"),
    ("misspelt-scheme", "the valid key under `Token:`", "authentication_failed"),
    ("tab-separator", "`Token`, a tab and the valid key", "authentication_failed"),
    ("unknown-key", "an unknown key", "authentication_failed"),
    ("repeated-header", "the valid token twice", "authentication_failed"),
    ("repeated-header", "the valid token and then an unknown one", "authentication_failed"),
)
REFUSED_CASES = tuple(dict.fromkeys(f"CO-AUTH-01/{case}" for case, _, _ in REFUSED))


def _refused(ctx: CheckContext, label: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The Authorization value (None: no header) and extra header lines for a refused case."""
    token = ctx.token()
    key = token.split(" ", 1)[-1].strip()
    unknown = f"{ctx.rng.getrandbits(160):040x}"
    values: dict[str, tuple[str | None, list[tuple[str, str]]]] = {
        "no Authorization header": (None, []),
        "an empty Authorization value": ("", []),
        "`Token` without a key": ("Token", []),
        "the valid key without its scheme": (key, []),
        "the valid key under `Bearer`": (f"Bearer {key}", []),
        "the valid key under `Basic`": (f"Basic {key}", []),
        "the valid key under `Tokens`": (f"Tokens {key}", []),
        "the valid key under `Token:`": (f"Token: {key}", []),
        "`Token`, a tab and the valid key": (f"Token\t{key}", []),
        "an unknown key": (f"Token {unknown}", []),
        "the valid token twice": (token, [("Authorization", token)]),
        "the valid token and then an unknown one": (token, [("Authorization", f"Token {unknown}")]),
    }
    return values[label]


def _send_refused(ctx: CheckContext, number: str) -> list[Exchange]:
    sent = []
    for case, label, code in REFUSED:
        value, lines = _refused(ctx, label)
        exchange = ctx.capture(number, token=value, header_lines=lines)
        ctx.expect_status(
            exchange,
            401,
            f"CO-AUTH-01/{case}",
            f"Request with {label} was not rejected",
            code=code,
        )
        sent.append(exchange)
    return sent


@check(*REFUSED_CASES)
def unauthenticated_requests_are_rejected(ctx: CheckContext) -> None:
    """Missing, malformed, misspelt, unknown and repeated credentials are 401."""
    _send_refused(ctx, ctx.unknown_order())


@check("CO-AUTH-01/nothing-captured", needs=Needs(orders=(OrderNeed(),)))
def unauthenticated_requests_capture_nothing(ctx: CheckContext) -> None:
    """Every refused credential, sent for a real order, leaves it fully capturable."""
    order = ctx.order()
    sent = []
    for _, label, _ in REFUSED:
        value, lines = _refused(ctx, label)
        sent.append(ctx.capture(order.number, token=value, header_lines=lines))
    full = ctx.capture(order.number)
    title = "An unauthenticated request captured (part of) the order"
    expect_untouched(ctx, full, order, "CO-AUTH-01/nothing-captured", title, sent)
    expect_capture(
        ctx, full, order, captured_now=order.items, captured_total=order.items, history=sent
    )


@check("CO-AUTH-03/scheme-case", "CO-AUTH-03/several-spaces")
def token_scheme_is_read_as_http_defines_it(ctx: CheckContext) -> None:
    """`token <key>`, `TOKEN <key>` and several spaces authenticate like `Token <key>`."""
    key = ctx.token().split(" ", 1)[-1].strip()
    number = ctx.unknown_order()
    for case, value in (
        ("scheme-case", f"token {key}"),
        ("scheme-case", f"TOKEN {key}"),
        ("several-spaces", f"Token   {key}"),
    ):
        exchange = ctx.capture(number, token=value)
        ctx.expect_status(
            exchange,
            404,
            f"CO-AUTH-03/{case}",
            f"A valid key written {value.split(' ')[0]!r} + {value.count(' ')} space(s) "
            "was not accepted (RFC 9110: the scheme is case-insensitive, then 1*SP)",
            code="order_not_found",
        )

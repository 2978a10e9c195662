"""Authentication: no valid token, no capture; the Token scheme read as HTTP defines it."""

from __future__ import annotations

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.near_keys import near_misses
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.registry import scenario

# (case, label): how each refused credential is built is in `_refused`.
REFUSED = (
    ("no-header", "no Authorization header"),
    ("empty-value", "an empty Authorization value"),
    ("scheme-only", "`Token` without a key"),
    ("bare-key", "the valid key without its scheme"),
    ("other-scheme", "the valid key under `Bearer`"),
    ("other-scheme", "the valid key under `Basic`"),
    ("misspelt-scheme", "the valid key under `Tokens`"),
    ("misspelt-scheme", "the valid key under `Token:`"),
    ("tab-separator", "`Token`, a tab and the valid key"),
    ("unknown-key", "an unknown key"),
    ("repeated-header", "the valid token twice"),
    ("repeated-header", "the valid token and then an unknown one"),
)
REFUSED_CASES = tuple(dict.fromkeys(f"CO-AUTH-01/{case}" for case, _ in REFUSED))


def _refused(ctx: ScenarioContext, label: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The Authorization value (None: no header) and extra header lines for a refused case."""
    token = ctx.token()
    key = token.split(" ", 1)[-1].strip()
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
        "an unknown key": (ctx.unknown_token(), []),
        "the valid token twice": (token, [("Authorization", token)]),
        "the valid token and then an unknown one": (
            token,
            [("Authorization", ctx.unknown_token())],
        ),
    }
    return values[label]


def _near_miss_values(ctx: ScenarioContext) -> list[str]:
    key = ctx.token().split(" ", 1)[-1].strip()
    keep, keys = near_misses(key)
    chosen = ctx.inputs("near-miss-keys", keys, keep=keep, sample=4)
    return [ctx.near_miss_token(f"Token {k}") for k in chosen]


@scenario(*REFUSED_CASES, "CO-AUTH-01/near-miss-keys")
def unauthenticated_requests_are_rejected(ctx: ScenarioContext) -> None:
    """Missing, malformed, misspelt, unknown, near-miss and repeated credentials, for no real
    order."""
    number = ctx.unknown_order()
    for _, label in REFUSED:
        value, lines = _refused(ctx, label)
        ctx.capture(number, token=value, header_lines=lines)
    for value in _near_miss_values(ctx):
        ctx.capture(number, token=value)


@scenario("CO-AUTH-01/nothing-captured", needs=Needs(orders=(OrderNeed(),)))
def unauthenticated_requests_capture_nothing(ctx: ScenarioContext) -> None:
    """Every refused credential and the near-miss keys, sent for a real order, then the order
    captured whole."""
    order = ctx.order()
    for _, label in REFUSED:
        value, lines = _refused(ctx, label)
        ctx.capture(order.number, token=value, header_lines=lines)
    for value in _near_miss_values(ctx):
        ctx.capture(order.number, token=value)
    ctx.capture(order.number)


@scenario("CO-AUTH-03/scheme-case", "CO-AUTH-03/several-spaces")
def token_scheme_is_read_as_http_defines_it(ctx: ScenarioContext) -> None:
    """`token <key>`, `TOKEN <key>` and several spaces, for an order number no order has."""
    key = ctx.token().split(" ", 1)[-1].strip()
    number = ctx.unknown_order()
    for value in (f"token {key}", f"TOKEN {key}", f"Token   {key}"):
        ctx.capture(number, token=value)

"""Faults in authentication and in the separation of sales channels."""

from __future__ import annotations

from tests.faults.edits import order_number, valid_token
from tests.faults.registry import FaultContext, Message, fault

AUTH = "authentication"
ISOLATION = "channel isolation"


async def _wrong_token_accepted(ctx: FaultContext, request: Message) -> None:
    # Authentication that falls back to a default channel instead of refusing.
    if request.header("authorization") is not None and not valid_token(ctx, request):
        request.set_header("Authorization", ctx.token)


async def _missing_token_accepted(ctx: FaultContext, request: Message) -> None:
    # Authentication applied only when a header is there ("optional auth" middleware).
    if not (request.header("authorization") or "").strip():
        request.set_header("Authorization", ctx.token)


async def _scheme_not_checked(ctx: FaultContext, request: Message) -> None:
    # The key is taken as the last word of the header, whatever scheme (or none) precedes it.
    value = request.header("authorization") or ""
    key = value.split()[-1] if value.split() else ""
    for token in ctx.tokens:
        if key and key == token.split(" ", 1)[-1]:
            request.set_header("Authorization", token)


async def _no_challenge(ctx: FaultContext, request: Message, response: Message) -> None:
    # The framework's default 401, without the challenge header.
    if response.status == 401:
        response.set_header("WWW-Authenticate", None)


async def _foreign_order_captured(
    ctx: FaultContext, request: Message, response: Message
) -> Message | None:
    # An order lookup across all channels: a miss in the caller's channel tries the others.
    if response.status == 404 and valid_token(ctx, request) and order_number(request):
        retry = request.copy()
        retry.set_header("Authorization", ctx.other_token(request.header("authorization")))
        return await ctx.forward(retry)
    return None


async def _foreign_order_told_apart(ctx: FaultContext, request: Message, response: Message) -> None:
    # A helpful message that tells the caller the order exists elsewhere.
    body = response.json()
    own_token = request.header("authorization") == ctx.token
    theirs = order_number(request) in ctx.foreign_orders
    if response.status == 404 and own_token and theirs and isinstance(body, dict):
        body["detail"] = "This order belongs to another sales channel."
        response.set_json(body)


fault(
    "token_ignored",
    "CO-AUTH-01",
    kind=AUTH,
    does="replaces an unknown or malformed token with a valid one (wrong token accepted)",
    on_request=_wrong_token_accepted,
)
fault(
    "missing_token_accepted",
    "CO-AUTH-01",
    kind=AUTH,
    does="adds a valid token to requests without `Authorization`",
    on_request=_missing_token_accepted,
)
fault(
    "token_scheme_not_checked",
    "CO-AUTH-01",
    kind=AUTH,
    does="accepts a valid key under any scheme or none (`Bearer <key>`, `<key>`)",
    on_request=_scheme_not_checked,
)
fault(
    "no_www_authenticate",
    "CO-AUTH-02",
    kind=AUTH,
    does="removes `WWW-Authenticate` from every 401",
    on_response=_no_challenge,
)
fault(
    "foreign_order_captured",
    "CO-OLA-01",
    kind=ISOLATION,
    does="retries a 404 with the other channel's token and answers with that",
    on_response=_foreign_order_captured,
)
fault(
    "foreign_order_distinguishable",
    "CO-OLA-02",
    kind=ISOLATION,
    does="answers another channel's order with a 404 whose `detail` says so",
    on_response=_foreign_order_told_apart,
)

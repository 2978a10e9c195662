"""Faults in authentication and in the separation of sales channels."""

from __future__ import annotations

from tests.faults.edits import order_number, problem, valid_token
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


def _rewrite_authorization(request: Message, value: str) -> None:
    request.set_header("Authorization", value)


async def _any_scheme_with_the_key(ctx: FaultContext, request: Message) -> None:
    # The scheme word is skipped, whatever it is: `Bearer <key>` works like `Token <key>`.
    parts = (request.header("authorization") or "").split(" ")
    if len(parts) == 2 and parts[1] == ctx.key and parts[0].lower() != "token":
        _rewrite_authorization(request, ctx.token)


def _refused(ctx: FaultContext) -> Message:
    answer = problem(
        401, "authentication_failed", "Authentication failed", "The token is malformed or unknown."
    )
    answer.set_header("WWW-Authenticate", "Token")
    return answer


async def _scheme_case_sensitive(ctx: FaultContext, request: Message) -> Message | None:
    # `value.startswith("Token ")`: the scheme compared byte for byte.
    value = request.header("authorization") or ""
    if value.lower().startswith("token ") and not value.startswith("Token "):
        return _refused(ctx)
    return None


async def _one_space_only(ctx: FaultContext, request: Message) -> Message | None:
    # `value.split(" ")` with exactly two parts: more spaces, no token.
    value = request.header("authorization") or ""
    if value.lower().startswith("token  "):
        return _refused(ctx)
    return None


async def _scheme_prefix_matched(ctx: FaultContext, request: Message) -> None:
    # `value.startswith("Token")`, then the last word: `Tokens <key>`, `Token: <key>` work.
    value = request.header("authorization") or ""
    if value.startswith("Token") and value.split()[-1:] == [ctx.key]:
        _rewrite_authorization(request, ctx.token)


async def _any_whitespace(ctx: FaultContext, request: Message) -> None:
    # `value.split()` (as DRF does): a tab separates scheme and key like a space.
    parts = (request.header("authorization") or "").split()
    if (
        len(parts) == 2
        and parts[0].lower() == "token"
        and "\t" in (request.header("authorization") or "")
    ):
        _rewrite_authorization(request, f"Token {parts[1]}")


async def _first_authorization_wins(ctx: FaultContext, request: Message) -> None:
    # A framework's `headers.get()`: of two Authorization lines, the first counts.
    first = request.header("authorization")
    if first is not None and sum(k.lower() == "authorization" for k, _ in request.headers) > 1:
        _rewrite_authorization(request, first)


async def _empty_is_malformed(ctx: FaultContext, request: Message) -> Message | None:
    # An empty header parsed as a malformed token instead of a missing one.
    if request.header("authorization") == "":
        return _refused(ctx)
    return None


fault(
    "valid_key_under_other_scheme",
    "CO-AUTH-01",
    kind=AUTH,
    does="accepts the valid key after any scheme word (`Bearer <key>`), not a bare key",
    on_request=_any_scheme_with_the_key,
)
fault(
    "scheme_case_sensitive",
    "CO-AUTH-03",
    kind=AUTH,
    does="refuses `token <key>` and `TOKEN <key>` with 401 (RFC 9110: schemes ignore case)",
    on_request=_scheme_case_sensitive,
)
fault(
    "one_space_only",
    "CO-AUTH-03",
    kind=AUTH,
    does="refuses `Token` and the key separated by more than one space",
    on_request=_one_space_only,
)
fault(
    "scheme_prefix_matched",
    "CO-AUTH-01",
    kind=AUTH,
    does="accepts `Tokens <key>` and `Token: <key>` (a prefix test of the scheme)",
    on_request=_scheme_prefix_matched,
)
fault(
    "tab_separates_scheme",
    "CO-AUTH-01",
    kind=AUTH,
    does="accepts `Token<TAB><key>` (splits on any whitespace)",
    on_request=_any_whitespace,
)
fault(
    "first_authorization_wins",
    "CO-AUTH-01",
    kind=AUTH,
    does="of two `Authorization` lines uses the first instead of refusing",
    on_request=_first_authorization_wins,
)
fault(
    "empty_authorization_is_malformed",
    "CO-AUTH-01",
    kind=AUTH,
    does="answers an empty `Authorization` 401 `authentication_failed`, not `not_authenticated`",
    on_request=_empty_is_malformed,
)

"""The order of evaluation: a request breaking several rules is answered for the first one."""

from __future__ import annotations

import json

from capture_order.conformance.checks.conflicts import UNKNOWN_PK
from capture_order.conformance.checks.requests import oversized_body
from capture_order.conformance.context import CheckContext, body_of
from capture_order.conformance.http import Exchange
from capture_order.conformance.needs import Needs, OrderNeed, uncapturable_where
from capture_order.conformance.order_expectations import expect_ok
from capture_order.conformance.registry import check

MALFORMED = b'{"order": '
BAD_KEY = b"key\twith a tab"


def _expect_first(
    ctx: CheckContext,
    case: str,
    exchange: Exchange,
    rules: str,
    status: int,
    code: str,
    history: tuple[Exchange, ...] = (),
) -> None:
    ctx.expect_status(
        exchange,
        status,
        f"CO-ERR-05/{case}",
        f"{rules}: not answered for the first rule",
        code=code,
        history=history,
    )


@check(
    "CO-ERR-05/method-before-token",
    "CO-ERR-05/size-before-token",
    "CO-ERR-05/token-before-json",
    "CO-ERR-05/media-type-before-json",
    "CO-ERR-05/key-before-body",
    "CO-ERR-05/key-before-lookup",
    "CO-ERR-05/duplicate-before-lookup",
    "CO-ERR-05/idempotency-before-duplicate",
)
def first_broken_rule_decides_the_answer(ctx: CheckContext) -> None:
    """Requests breaking two rules get the earlier rule's answer (method ... order lookup)."""
    ctx.token()
    number = ctx.unknown_order()
    valid = json.dumps({"order": number}).encode()
    oversized, shell = oversized_body(number, 1)
    _expect_first(
        ctx,
        "method-before-token",
        ctx.capture(None, raw=b"", method="GET", token=None),
        "GET without a token (405 before 401)",
        405,
        "method_not_allowed",
    )
    _expect_first(
        ctx,
        "size-before-token",
        ctx.capture(None, raw=oversized, token=None, body_shell=shell),
        "an oversized body without a token (413 before 401)",
        413,
        "request_too_large",
    )
    _expect_first(
        ctx,
        "token-before-json",
        ctx.capture(None, raw=MALFORMED, token=None),
        "malformed JSON without a token (401 before 400)",
        401,
        "not_authenticated",
    )
    _expect_first(
        ctx,
        "media-type-before-json",
        ctx.capture(None, raw=MALFORMED, content_type="text/plain"),
        "malformed JSON sent as text/plain (415 before 400)",
        415,
        "unsupported_media_type",
    )
    for label, raw in (("malformed JSON", MALFORMED), ("a schema-invalid body", b'{"order": ""}')):
        exchange = ctx.capture(None, raw=raw, key=BAD_KEY)
        _expect_first(
            ctx,
            "key-before-body",
            exchange,
            f"{label} with an invalid Idempotency-Key (the key before the body)",
            400,
            "invalid_request",
        )
        errors = body_of(exchange).get("errors")
        if exchange.status == 400 and exchange.code == "invalid_request":
            ctx.expect(
                isinstance(errors, dict) and "Idempotency-Key" in errors,
                "CO-ERR-05/key-before-body",
                f"{label} with an invalid Idempotency-Key: the key is not the error named",
                expected="errors naming Idempotency-Key",
                received=f"errors {errors}",
                exchanges=[exchange],
            )
    _expect_first(
        ctx,
        "key-before-lookup",
        ctx.capture(None, raw=valid, key=BAD_KEY),
        "an invalid Idempotency-Key for an unknown order (400 before 404)",
        400,
        "invalid_request",
    )
    _expect_first(
        ctx,
        "duplicate-before-lookup",
        ctx.capture(number, [1, 1]),
        "duplicate pks for an unknown order (422 before 404)",
        422,
        "duplicate_order_item",
    )
    key = ctx.new_key()
    first = ctx.capture(number, key=key)
    _expect_first(
        ctx,
        "idempotency-before-duplicate",
        ctx.capture(number, [1, 1], key=key),
        "a reused key with a body listing duplicate pks (idempotency before 422 duplicate)",
        422,
        "idempotency_key_reused",
        (first,),
    )


STATE_FIRST = "CO-ERR-05/state-before-item"


@check(
    STATE_FIRST,
    "CO-ERR-05/unknown-before-captured-item",
    "CO-ERR-05/captured-order-before-item",
    needs=Needs(orders=(OrderNeed(2),)),
    case_needs={STATE_FIRST: uncapturable_where(lambda o: True, "an order")},
)
def order_state_rules_apply_in_order(ctx: CheckContext) -> None:
    """Order state before an unknown item before an already captured item."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], order.items[1:]
    for refused in ctx.settings.uncapturable_orders[:1]:
        _expect_first(
            ctx,
            "state-before-item",
            ctx.capture(refused.number, [UNKNOWN_PK]),
            f"an unknown item of a {refused.code} order (order state before the item)",
            409,
            refused.code,
        )
    first = ctx.capture(order.number, head)
    expect_ok(ctx, first, None, "Partial capture of one item did not succeed")
    _expect_first(
        ctx,
        "unknown-before-captured-item",
        ctx.capture(order.number, [*head, UNKNOWN_PK]),
        "a captured item and an unknown one (422 unknown item before 409 captured item)",
        422,
        "order_item_not_found",
        (first,),
    )
    last = ctx.capture(order.number, rest)
    expect_ok(ctx, last, None, "Capture of the remaining items did not succeed", [first])
    _expect_first(
        ctx,
        "captured-order-before-item",
        ctx.capture(order.number, [UNKNOWN_PK]),
        "an unknown item of a fully captured order (409 order_already_captured before 422)",
        409,
        "order_already_captured",
        (first, last),
    )

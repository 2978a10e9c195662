"""Idempotency-Key: replays, reuse, in-flight duplicates, channel scope, rejected requests."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from conformance.checks.orders import expect_capture, expect_ok
from conformance.context import CheckContext, describe
from conformance.http import Exchange
from conformance.registry import check

PARALLEL = 8


def _replayed(exchange: Exchange) -> bool:
    return (exchange.header("Idempotent-Replayed") or "").strip().lower() == "true"


@check("CO-IDEM-01")
def idempotent_retry_is_replayed(ctx: CheckContext) -> None:
    """A retry with the same key and body gets the stored 200 again, marked as a replay."""
    order = ctx.order()
    key = ctx.new_key()
    first = ctx.capture(order.number, key=key)
    expect_ok(ctx, first, "CO-IDEM-01", "Keyed full capture did not succeed")
    ctx.expect(
        not _replayed(first),
        "CO-IDEM-01",
        "The first request with a key is marked as a replay",
        expected="no Idempotent-Replayed: true on the first response",
        received="Idempotent-Replayed: true",
        exchanges=[first],
    )
    retry = ctx.capture(order.number, key=key)
    ctx.expect(
        retry.status == first.status and retry.json() == first.json() and _replayed(retry),
        "CO-IDEM-01",
        "The retry was not a replay of the stored response",
        expected=f"{first.status}, the same body, Idempotent-Replayed: true",
        received=f"Idempotent-Replayed: {retry.header('Idempotent-Replayed')}; {describe(retry)}",
        exchanges=[first, retry],
    )


@check("CO-IDEM-02")
def reused_key_with_another_body_is_unprocessable(ctx: CheckContext) -> None:
    """The same key with another body is 422 idempotency_key_reused and is not executed."""
    order = ctx.order(min_items=2)
    key = ctx.new_key()
    head, rest = order.items[:1], order.items[1:]
    first = ctx.capture(order.number, head, key=key)
    expect_ok(ctx, first, "CO-IDEM-02", "Keyed partial capture did not succeed")
    reuse = ctx.capture(order.number, rest, key=key)
    ctx.expect_status(
        reuse,
        422,
        "CO-IDEM-02",
        "A key reused with another body was not refused",
        code="idempotency_key_reused",
        history=[first],
    )
    rest_now = ctx.capture(order.number, rest, key=ctx.new_key())
    expect_ok(ctx, rest_now, "CO-IDEM-02", "The refused reuse captured items", [first, reuse])
    expect_capture(
        ctx, rest_now, order, captured_now=rest, captured_total=order.items, history=[first, reuse]
    )


@check("CO-IDEM-03")
def concurrent_same_key_executes_once(ctx: CheckContext) -> None:
    """Simultaneous requests with one key: one execution; the rest replay or get 409 Retry-After."""
    order = ctx.order()
    key = ctx.new_key()
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(lambda _: ctx.capture(order.number, key=key), range(PARALLEL)))
    executed = [e for e in results if e.status == 200 and not _replayed(e)]
    replays = [e for e in results if e.status == 200 and _replayed(e)]
    waiting = [
        e for e in results if e.status == 409 and e.code == "idempotency_request_in_progress"
    ]
    others = [e for e in results if e not in executed + replays + waiting]
    ctx.expect(
        len(executed) == 1 and not others,
        "CO-IDEM-03",
        "Requests with the same key were not executed exactly once",
        expected="one 200, the others 200 replays or 409 idempotency_request_in_progress",
        received=f"{len(executed)} executed, {len(replays)} replays, {len(waiting)} in-progress, "
        + "; ".join(describe(e) for e in others[:3]),
        exchanges=others[:1] or results[:1],
    )
    for exchange in waiting:
        retry_after = exchange.header("Retry-After") or ""
        ctx.expect(
            retry_after.strip().isdigit(),
            "CO-IDEM-03",
            "409 in progress without Retry-After seconds",
            expected="Retry-After: <seconds>",
            received=f"Retry-After: {retry_after or '(none)'}",
            exchanges=[exchange],
        )
    if executed:
        for exchange in replays:
            ctx.expect(
                exchange.json() == executed[0].json(),
                "CO-IDEM-03",
                "A replay differs from the executed response",
                expected="the executed request's body",
                received=exchange.text(300),
                exchanges=[exchange],
            )


@check("CO-IDEM-05")
def idempotency_keys_are_per_channel(ctx: CheckContext) -> None:
    """A key used in one channel is fresh in another: never a replay of the first one's 200."""
    order = ctx.order()
    foreign = ctx.foreign_token()
    key = ctx.new_key()
    first = ctx.capture(order.number, key=key)
    expect_ok(ctx, first, "CO-IDEM-05", "Keyed full capture did not succeed")
    other = ctx.capture(order.number, key=key, token=foreign)
    ctx.expect_status(
        other,
        404,
        "CO-IDEM-05",
        "Another channel's request with the same key got the first channel's answer",
        code="order_not_found",
        history=[first],
    )
    ctx.expect(
        not _replayed(other),
        "CO-IDEM-05",
        "Another channel's request was marked as a replay",
        expected="no Idempotent-Replayed header",
        received="Idempotent-Replayed: true",
        exchanges=[first, other],
    )


@check("CO-IDEM-06")
def rejected_request_is_not_stored(ctx: CheckContext) -> None:
    """A key first used by a 400, 401 or 415 request is free: the next valid request runs."""
    order = ctx.order()
    key = ctx.new_key()
    body = json.dumps({"order": order.number}).encode()
    rejected = [
        (400, ctx.capture(None, body={"order": order.number, "bogus": True}, key=key)),
        (401, ctx.capture(order.number, key=key, token=None)),
        (415, ctx.capture(None, raw=body, content_type="text/plain", key=key)),
    ]
    for status, exchange in rejected:
        ctx.expect_status(
            exchange, status, "CO-IDEM-06", f"The {status} setup request got another status"
        )
    history = [e for _, e in rejected]
    valid = ctx.capture(order.number, key=key)
    expect_ok(
        ctx, valid, "CO-IDEM-06", "A rejected request's response was stored under its key", history
    )
    ctx.expect(
        not _replayed(valid),
        "CO-IDEM-06",
        "A rejected request's response was replayed",
        expected="an executed capture",
        received="Idempotent-Replayed: true",
        exchanges=[*history, valid],
    )
    expect_capture(
        ctx, valid, order, captured_now=order.items, captured_total=order.items, history=history
    )

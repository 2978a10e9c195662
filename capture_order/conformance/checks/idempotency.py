"""Idempotency-Key: replays, reuse, in-flight duplicates, channel scope, rejected requests."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from capture_order.conformance.checks.requests import oversized_body
from capture_order.conformance.context import CheckContext, describe
from capture_order.conformance.http import Exchange
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.order_expectations import decimal_body, expect_capture, expect_ok
from capture_order.conformance.registry import check

ONE = Needs(orders=(OrderNeed(),))

PARALLEL = 8
# Races with one key each: the first captures the order, the others meet its 409. A race
# meets a request in flight about one time in three against the in-process reference server.
RACES = 8
MIXED_RACES = 4


def _replayed(exchange: Exchange) -> bool:
    """Marked as a replay exactly as the spec writes it: `Idempotent-Replayed: true`."""
    # The header's schema is enum ['true']; `TRUE` or `1` is no documented replay mark.
    return (exchange.header("Idempotent-Replayed") or "").strip() == "true"


def _marked(exchange: Exchange) -> bool:
    """Carries anything that reads as a replay mark (for asserting there is none)."""
    return (exchange.header("Idempotent-Replayed") or "").strip().lower() in ("true", "1")


def _reordered(value: Any) -> Any:
    """The same JSON value with every object's members in reverse order."""
    if isinstance(value, dict):
        return {k: _reordered(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


@check(
    "CO-IDEM-01/same-bytes",
    "CO-IDEM-01/same-json-value",
    "CO-IDEM-01/first-not-marked",
    needs=ONE,
)
def idempotent_retry_is_replayed(ctx: CheckContext) -> None:
    """A retry with the same key and body gets the stored 200 again, marked as a replay.

    The body is the same when it is the same JSON value: a retry written with other member
    order, whitespace and string escapes is a replay too.
    """
    order = ctx.order()
    key = ctx.new_key()
    body = {
        "order": order.number,
        "order_items": [
            {"pk": pk, "attributes": {"gift_note": "Café", "gift_wrap": True}} for pk in order.items
        ],
    }
    compact = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    first = ctx.capture(None, raw=compact, key=key)
    expect_ok(ctx, first, "CO-IDEM-01/same-bytes", "Keyed capture did not succeed")
    ctx.expect(
        not _marked(first),
        "CO-IDEM-01/first-not-marked",
        "The first request with a key is marked as a replay",
        expected="no Idempotent-Replayed: true on the first response",
        received=f"Idempotent-Replayed: {first.header('Idempotent-Replayed')}",
        exchanges=[first],
    )
    spaced = json.dumps(_reordered(body), indent=2, ensure_ascii=True)
    retries = [
        ("same-bytes", "the same bytes", compact),
        (
            "same-json-value",
            "the same JSON value in another member order and whitespace",
            f" {spaced}\n".encode(),
        ),
    ]
    for case, label, raw in retries:
        retry = ctx.capture(None, raw=raw, key=key)
        ctx.expect(
            retry.status == first.status and retry.json() == first.json() and _replayed(retry),
            f"CO-IDEM-01/{case}",
            f"A retry with {label} was not a replay of the stored response",
            expected=f"{first.status}, the same body, Idempotent-Replayed: true",
            received=f"Idempotent-Replayed: {retry.header('Idempotent-Replayed')}; "
            + describe(retry),
            exchanges=[first, retry],
        )


@check("CO-IDEM-01/refusal-replayed")
def replayed_refusal_is_marked(ctx: CheckContext) -> None:
    """A retry of a keyed request answered 404 gets the stored 404, marked as a replay."""
    number, key = ctx.unknown_order(), ctx.new_key()
    first = ctx.capture(number, key=key)
    ctx.expect_status(
        first, 404, "CO-IDEM-01/refusal-replayed", "Setup: an unknown order was not 404"
    )
    retry = ctx.capture(number, key=key)
    ctx.expect(
        retry.status == first.status and retry.json() == first.json() and _replayed(retry),
        "CO-IDEM-01/refusal-replayed",
        "A retry of a refused keyed request was not a replay of its stored answer",
        expected=f"{first.status}, the same body, Idempotent-Replayed: true",
        received=f"Idempotent-Replayed: {retry.header('Idempotent-Replayed')}; " + describe(retry),
        exchanges=[first, retry],
    )


@check("CO-IDEM-02/other-body-422", "CO-IDEM-02/not-executed", needs=Needs(orders=(OrderNeed(2),)))
def reused_key_with_another_body_is_unprocessable(ctx: CheckContext) -> None:
    """The same key with another body is 422 idempotency_key_reused and is not executed."""
    order = ctx.order(min_items=2)
    key = ctx.new_key()
    head, rest = order.items[:1], order.items[1:]
    first = ctx.capture(order.number, head, key=key)
    expect_ok(ctx, first, "CO-IDEM-02/other-body-422", "Keyed partial capture did not succeed")
    reuse = ctx.capture(order.number, rest, key=key)
    ctx.expect_status(
        reuse,
        422,
        "CO-IDEM-02/other-body-422",
        "A key reused with another body was not refused",
        code="idempotency_key_reused",
        history=[first],
    )
    rest_now = ctx.capture(order.number, rest, key=ctx.new_key())
    title = "The refused reuse captured items"
    expect_ok(ctx, rest_now, "CO-IDEM-02/not-executed", title, [first, reuse])
    expect_capture(
        ctx,
        rest_now,
        order,
        captured_now=rest,
        captured_total=order.items,
        history=[first, reuse],
        previous=decimal_body(first),
    )


@check(
    "CO-IDEM-03/executed-once",
    "CO-IDEM-03/retry-after",
    "CO-IDEM-02/in-flight-other-body-422",
    needs=ONE,
)
def concurrent_same_key_executes_once(ctx: CheckContext) -> None:
    """Simultaneous requests with one key: one execution; the rest replay or get 409 Retry-After.

    Whether a request arrives while the first is still running is a matter of timing, so the
    race is run again with fresh keys on the captured order (the stored outcome then is a 409):
    more chances to meet a request in flight, and no other order consumed. In the last races
    half the requests carry another body: whichever body runs, the others are 422, in flight
    or not (CO-IDEM-02).
    """
    order = ctx.order()
    body: dict[str, Any] = {"order": order.number}
    other: dict[str, Any] = {"order": order.number, "order_items": [{"pk": order.items[0]}]}
    races: list[tuple[dict[str, Any], dict[str, Any] | None, int, str | None]]
    races = [(body, None, 200, None)]
    races += [(body, None, 409, "order_already_captured")] * (RACES - 1)
    # Then races with two bodies: fewer requests per body meet one in flight, hence apart.
    races += [(body, other, 409, "order_already_captured")] * MIXED_RACES
    for mine, theirs, status, code in races:
        if not _same_key_race(ctx, mine, theirs, status, code):
            return


def _reused(exchange: Exchange) -> bool:
    return exchange.status == 422 and exchange.code == "idempotency_key_reused"


def _same_key_race(
    ctx: CheckContext,
    body: dict[str, Any],
    other: dict[str, Any] | None,
    status: int,
    code: str | None,
) -> bool:
    """One race of PARALLEL requests with one fresh key; whether it went as the spec says."""
    key = ctx.new_key()
    bodies = [body if other is None or n % 2 == 0 else other for n in range(PARALLEL)]
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(lambda b: ctx.capture(None, body=b, key=key), bodies))
    sent = list(zip(bodies, results, strict=True))
    waiting = [
        e for e in results if e.status == 409 and e.code == "idempotency_request_in_progress"
    ]
    executed = [e for e in results if not _marked(e) and e not in waiting and not _reused(e)]
    winner = next((b for b, e in sent if e in executed), body)
    replays = [e for e in results if _replayed(e)]
    losers = [e for b, e in sent if b is not winner]
    mine = [e for b, e in sent if b is winner]
    others = [e for e in mine if e not in executed + replays + waiting]
    outcome = f"{status}" + (f" {code}" if code else "")
    ok = ctx.expect(
        len(executed) == 1
        and executed[0].status == status
        and executed[0].code == code
        and not others,
        "CO-IDEM-03/executed-once",
        "Requests with the same key were not executed exactly once",
        expected=f"one {outcome}, the others its replays or 409 idempotency_request_in_progress",
        received=f"{len(executed)} executed, {len(replays)} replays, {len(waiting)} in-progress, "
        + "; ".join(describe(e) for e in (others or executed)[:3]),
        exchanges=(others or executed or results)[:1],
    )
    wrong = [e for e in losers if not _reused(e)]
    if other is not None:
        ok &= ctx.expect(
            not wrong,
            "CO-IDEM-02/in-flight-other-body-422",
            "A request with the key and another body was not 422 while the key was in use",
            expected="422 idempotency_key_reused for every request with the other body",
            received=f"{len(wrong)} of {len(losers)}: " + "; ".join(describe(e) for e in wrong[:3]),
            exchanges=wrong[:1],
        )
    for exchange in waiting:
        retry_after = exchange.header("Retry-After") or ""
        ok &= ctx.expect(
            retry_after.strip().isdigit(),
            "CO-IDEM-03/retry-after",
            "409 in progress without Retry-After seconds",
            expected="Retry-After: <seconds>",
            received=f"Retry-After: {retry_after or '(none)'}",
            exchanges=[exchange],
        )
    if executed:
        for exchange in replays:
            ok &= ctx.expect(
                exchange.status == executed[0].status and exchange.json() == executed[0].json(),
                "CO-IDEM-03/executed-once",
                "A replay differs from the executed response",
                expected=f"the executed request's status and body ({executed[0].status})",
                received=describe(exchange),
                exchanges=[exchange],
            )
    return ok


@check("CO-IDEM-05/other-channel", needs=Needs(orders=(OrderNeed(),), foreign_token=True))
def idempotency_keys_are_per_channel(ctx: CheckContext) -> None:
    """A key used in one channel is fresh in another: never a replay of the first one's 200."""
    order = ctx.order()
    foreign = ctx.foreign_token()
    key = ctx.new_key()
    first = ctx.capture(order.number, key=key)
    expect_ok(ctx, first, "CO-IDEM-05/other-channel", "Keyed full capture did not succeed")
    other = ctx.capture(order.number, key=key, token=foreign)
    ctx.expect_status(
        other,
        404,
        "CO-IDEM-05/other-channel",
        "Another channel's request with the same key got the first channel's answer",
        code="order_not_found",
        history=[first],
    )
    ctx.expect(
        not _marked(other),
        "CO-IDEM-05/other-channel",
        "Another channel's request was marked as a replay",
        expected="no Idempotent-Replayed header",
        received="Idempotent-Replayed: true",
        exchanges=[first, other],
    )


@check(
    "CO-IDEM-06/after-400",
    "CO-IDEM-06/after-401",
    "CO-IDEM-06/after-413",
    "CO-IDEM-06/after-415",
    needs=ONE,
)
def rejected_request_is_not_stored(ctx: CheckContext) -> None:
    """A key first used by a 400, 401, 413 or 415 request is free: the next valid request runs."""
    order = ctx.order()
    key = ctx.new_key()
    body = json.dumps({"order": order.number}).encode()
    oversized, shell = oversized_body(order.number, order.items[0])
    rejected = [
        (400, ctx.capture(None, body={"order": order.number, "bogus": True}, key=key)),
        (401, ctx.capture(order.number, key=key, token=None)),
        (413, ctx.capture(None, raw=oversized, key=key, body_shell=shell)),
        (415, ctx.capture(None, raw=body, content_type="text/plain", key=key)),
    ]
    for status, exchange in rejected:
        ctx.expect_status(
            exchange,
            status,
            f"CO-IDEM-06/after-{status}",
            f"The {status} setup request got another status",
        )
    history = [e for _, e in rejected]
    valid = ctx.capture(order.number, key=key)
    expect_ok(ctx, valid, None, "A rejected request's response was stored under its key", history)
    ctx.expect(
        not _marked(valid),
        None,
        "A rejected request's response was replayed",
        expected="an executed capture",
        received="Idempotent-Replayed: true",
        exchanges=[*history, valid],
    )
    expect_capture(
        ctx, valid, order, captured_now=order.items, captured_total=order.items, history=history
    )

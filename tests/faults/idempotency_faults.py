"""Faults in Idempotency-Key handling: replays, reuse, scope, what gets stored."""

from __future__ import annotations

import json

from capture_order.contract.facts import request_limits
from tests.faults.edits import problem
from tests.faults.registry import FaultContext, Message, fault

IDEMPOTENCY = "idempotency"


async def _strip_key(ctx: FaultContext, request: Message) -> None:
    # A proxy (or framework) that drops the header: every retry is executed again.
    request.set_header("Idempotency-Key", None)


async def _no_replay_header(ctx: FaultContext, request: Message, response: Message) -> None:
    # The stored response is replayed, but nothing says so.
    response.set_header("Idempotent-Replayed", None)


async def _reuse_executed(ctx: FaultContext, request: Message, response: Message) -> Message | None:
    # The stored body is never compared: a reused key with another body is just executed.
    if response.status == 422 and response.code == "idempotency_key_reused":
        fresh = request.copy()
        fresh.set_header("Idempotency-Key", None)
        return await ctx.forward(fresh)
    return None


async def _keys_global(ctx: FaultContext, request: Message) -> Message | None:
    # Stored responses looked up by key alone, not by (channel, key).
    key = request.header("idempotency-key")
    stored: dict[str, tuple[str | None, Message]] = ctx.state.setdefault("by_key", {})
    if key is None or key not in stored:
        return None
    owner, response = stored[key]
    if owner == request.header("authorization"):
        return None
    replay = response.copy()
    replay.set_header("Idempotent-Replayed", "true")
    return replay


async def _remember_success(ctx: FaultContext, request: Message, response: Message) -> None:
    key = request.header("idempotency-key")
    if key is not None and response.status == 200:
        stored = ctx.state.setdefault("by_key", {})
        stored.setdefault(key, (request.header("authorization"), response.copy()))


async def _replay_rejected(ctx: FaultContext, request: Message) -> Message | None:
    # Every response is stored under its key, also 400/401/415 rejections.
    key = request.header("idempotency-key")
    rejected: dict[str, Message] = ctx.state.setdefault("rejected", {})
    if key is not None and key in rejected:
        replay = rejected[key].copy()
        replay.set_header("Idempotent-Replayed", "true")
        return replay
    return None


async def _store_rejected(ctx: FaultContext, request: Message, response: Message) -> None:
    key = request.header("idempotency-key")
    if key is not None and response.status in (400, 401, 415):
        ctx.state.setdefault("rejected", {}).setdefault(key, response.copy())


fault(
    "replay_reexecutes",
    "CO-IDEM-01",
    kind=IDEMPOTENCY,
    does="strips `Idempotency-Key` before forwarding (a retry is executed again)",
    on_request=_strip_key,
)
fault(
    "no_replay_header",
    "CO-IDEM-01",
    kind=IDEMPOTENCY,
    does="removes `Idempotent-Replayed` from replays",
    on_response=_no_replay_header,
)
fault(
    "key_reuse_executed",
    "CO-IDEM-02",
    kind=IDEMPOTENCY,
    does="on 422 idempotency_key_reused, re-sends without the key and answers with that",
    on_response=_reuse_executed,
)
fault(
    "keys_shared_across_channels",
    "CO-IDEM-05",
    kind=IDEMPOTENCY,
    does="replays a 200 stored under a key to any channel that sends the same key",
    on_request=_keys_global,
    on_response=_remember_success,
)
fault(
    "rejected_requests_stored",
    "CO-IDEM-06",
    kind=IDEMPOTENCY,
    does="stores 400/401/415 answers under their key and replays them",
    on_request=_replay_rejected,
    on_response=_store_rejected,
)


async def _refusal_replay_unmarked(ctx: FaultContext, request: Message, response: Message) -> None:
    # Only a replayed 200 is marked; replayed 404/409/422 carry no header.
    if response.status != 200:
        response.set_header("Idempotent-Replayed", None)


def _fingerprint(request: Message) -> str:
    body = request.json()
    return json.dumps(body, sort_keys=True, default=str) if body is not None else ""


async def _note_in_flight(ctx: FaultContext, request: Message) -> Message | None:
    # The in-flight state checked before the body: another body is told "in progress".
    key = request.header("idempotency-key")
    if key is None:
        return None
    running: dict[str, tuple[str, int]] = ctx.state.setdefault("running", {})
    print_, count = running.get(key, (_fingerprint(request), 0))
    if count and print_ != _fingerprint(request):
        answer = problem(
            409,
            "idempotency_request_in_progress",
            "Request in progress",
            "A request with this Idempotency-Key is still in progress.",
        )
        answer.set_header("Retry-After", "1")
        return answer
    running[key] = (print_, count + 1)
    return None


async def _done_in_flight(ctx: FaultContext, request: Message, response: Message) -> None:
    key = request.header("idempotency-key")
    running: dict[str, tuple[str, int]] = ctx.state.setdefault("running", {})
    if key in running:
        print_, count = running[key]
        running[key] = (print_, count - 1)


async def _replay_413(ctx: FaultContext, request: Message) -> Message | None:
    # A 413 stored under its key like an executed request: the next valid request is refused.
    key = request.header("idempotency-key")
    stored: dict[str, Message] = ctx.state.setdefault("too_large", {})
    if key is not None and key in stored and len(request.body) <= request_limits().body_bytes:
        replay = stored[key].copy()
        replay.set_header("Idempotent-Replayed", "true")
        return replay
    return None


async def _store_413(ctx: FaultContext, request: Message, response: Message) -> None:
    key = request.header("idempotency-key")
    if key is not None and response.status == 413:
        ctx.state.setdefault("too_large", {}).setdefault(key, response.copy())


fault(
    "replayed_refusals_unmarked",
    "CO-IDEM-01",
    kind=IDEMPOTENCY,
    does="marks only replayed 200s with `Idempotent-Replayed`, not replayed 404/409/422s",
    on_response=_refusal_replay_unmarked,
)
fault(
    "in_flight_before_body",
    "CO-IDEM-02",
    kind=IDEMPOTENCY,
    does="answers another body under a key in flight 409 in progress instead of 422",
    on_request=_note_in_flight,
    on_response=_done_in_flight,
)
fault(
    "too_large_requests_stored",
    "CO-IDEM-06",
    kind=IDEMPOTENCY,
    does="stores a 413 answer under its key and replays it",
    on_request=_replay_413,
    on_response=_store_413,
)


def _never_stored_key(request: Message) -> tuple[str | None, str, str] | None:
    key = request.header("idempotency-key")
    return None if key is None else (request.header("authorization"), key, _fingerprint(request))


async def _claim_never_completed(ctx: FaultContext, request: Message) -> Message | None:
    # The key is claimed but the answer never kept: every same-body retry meets "in progress".
    claimed: set[tuple[str | None, str, str]] = ctx.state.setdefault("claimed", set())
    if _never_stored_key(request) not in claimed:
        return None
    answer = problem(
        409,
        "idempotency_request_in_progress",
        "Request in progress",
        "A request with this Idempotency-Key is still in progress.",
    )
    answer.set_header("Retry-After", "1")
    return answer


async def _note_executed(ctx: FaultContext, request: Message, response: Message) -> None:
    executed = response.status < 500 and response.status not in (400, 401, 413, 415)
    refused = response.code in ("idempotency_key_reused", "idempotency_request_in_progress")
    found = _never_stored_key(request)
    if (
        found is not None
        and executed
        and not refused
        and not response.header("idempotent-replayed")
    ):
        ctx.state.setdefault("claimed", set()).add(found)


fault(
    "answers_never_stored",
    "CO-IDEM-03",
    kind=IDEMPOTENCY,
    does="keeps no answer under its key: a same-body retry is 409 in progress ever after",
    on_request=_claim_never_completed,
    on_response=_note_executed,
)

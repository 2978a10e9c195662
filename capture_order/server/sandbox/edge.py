"""The capture service with the sandbox at its edge: armed faults, the clock, and the events.

Each capture request first takes the first armed fault that matches it (and the clock offset),
then runs the real capture service, and logs what came of it. A fault acts only before or after
the service's unit of work, never inside it: the capture rules decide as always.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from capture_order.server import wire
from capture_order.server.answering import ServerAnswer, problem_answer
from capture_order.server.capture_service import AfterClaim, CaptureService, Reply
from capture_order.server.problem_types import problem_document
from capture_order.server.sandbox.clock import SandboxClock, read_offset
from capture_order.server.sandbox.connection import drop_connection
from capture_order.server.sandbox.events import EventRecord, capture_event, record
from capture_order.server.sandbox.faults import (
    DEFAULT_DURATION_MS,
    DEFAULT_RETRY_AFTER,
    ArmedFault,
    take,
)
from capture_order.server.store import Store


@dataclass(frozen=True)
class UnavailableAnswer(ServerAnswer):
    """The 503 answer of the `service_unavailable` fault, with its Retry-After."""

    retry_after: int = DEFAULT_RETRY_AFTER

    def headers(self, *, replayed: bool = False) -> dict[str, str]:
        """Retry-After; a 503 is never kept under a key, so never replayed."""
        return {"Retry-After": str(self.retry_after)}


class SandboxCapture(CaptureService):
    """`CaptureService` with armed faults acting at its edge, and every outcome logged."""

    def __init__(self, store: Store, clock: SandboxClock, retention: timedelta) -> None:
        super().__init__(store, clock, retention)
        self.sandbox_clock = clock

    async def capture(
        self,
        channel_id: int,
        body: Mapping[str, Any],
        key: str | None,
        *,
        after_claim: AfterClaim = None,
    ) -> Reply:
        """One capture request: the first matching fault acts on it, if one is armed."""
        order: str = body["order"]
        fault, offset = await self.store.run(
            lambda tx: (take(tx, channel_id, order), read_offset(tx))
        )
        self.sandbox_clock.offset = offset
        if fault is None:
            reply = await super().capture(channel_id, body, key, after_claim=after_claim)
            await self.log([capture_event(channel_id, order, key, reply)])
            return reply
        return await self._faulted(fault, channel_id, body, key)

    async def unfaulted(self, channel_id: int, body: Mapping[str, Any]) -> Reply:
        """A capture with no fault and no event (control actions reach states with it)."""
        return await super().capture(channel_id, body, None)

    async def log(self, events: Sequence[EventRecord]) -> None:
        """Append events, stamped by the sandbox clock."""
        now = self.clock()
        await self.store.run(lambda tx: record(tx, now, events))

    async def _faulted(
        self, fault: ArmedFault, channel_id: int, body: Mapping[str, Any], key: str | None
    ) -> Reply:
        request = _Faulted(fault, channel_id, body["order"], key)
        seconds = (fault.duration_ms or DEFAULT_DURATION_MS) / 1000
        match fault.kind:
            case "internal_error":
                await self.log([request.injected("answered 500 before the capture", 500)])
                return Reply(problem_answer("internal_error"))
            case "service_unavailable":
                wait = DEFAULT_RETRY_AFTER if fault.retry_after is None else fault.retry_after
                await self.log([request.injected(f"answered 503, Retry-After {wait}", 503)])
                return Reply(unavailable_answer(wait))
            case "drop_before_commit":
                detail = "closed the connection before the capture"
                await self.log([request.injected(detail, None)])
                drop_connection()
                return Reply(problem_answer("internal_error"))  # never sent: no connection
            case "drop_after_commit":
                reply = await super().capture(channel_id, body, key)
                detail = "closed the connection after the capture committed"
                status = reply.answer.status
                await self.log([request.captured(reply), request.injected(detail, status)])
                drop_connection()
                return reply
            case "delay":
                reply = await super().capture(channel_id, body, key)
                detail = f"answer delayed by {fault.duration_ms} ms after the capture"
                status = reply.answer.status
                await self.log([request.captured(reply), request.injected(detail, status)])
                await asyncio.sleep(seconds)
                return reply
            case "hold":
                held = False

                async def hold() -> None:
                    nonlocal held
                    held = True
                    where = "its key in progress" if key else "no Idempotency-Key"
                    detail = f"held in flight for {fault.duration_ms} ms, {where}"
                    await self.log([request.injected(detail, None)])
                    await asyncio.sleep(seconds)

                if key is None:
                    await hold()
                reply = await super().capture(
                    channel_id, body, key, after_claim=None if key is None else hold
                )
                outcome = [request.captured(reply)]
                if not held:
                    # A replay, a reused or a running key: answered before any claim of its own.
                    detail = "nothing held: the key was answered before a claim"
                    outcome.insert(0, request.injected(detail, reply.answer.status))
                await self.log(outcome)
                return reply
        raise AssertionError(f"unknown fault kind {fault.kind!r}")


@dataclass(frozen=True)
class _Faulted:
    """A capture request a fault acts on, and the events it makes."""

    fault: ArmedFault
    channel: int
    order: str
    key: str | None

    def injected(self, detail: str, status: int | None) -> EventRecord:
        """The fault.injected event."""
        kind = self.fault.kind
        return EventRecord(
            "fault.injected", f"{kind}: {detail}", self.channel, self.order, self.key, status,
            kind, self.fault.id,
        )  # fmt: skip

    def captured(self, reply: Reply) -> EventRecord:
        """The event of the capture's own answer."""
        return capture_event(self.channel, self.order, self.key, reply)


def unavailable_answer(retry_after: int) -> UnavailableAnswer:
    """The 503 `service_unavailable` answer, with its Retry-After."""
    document = problem_document("service_unavailable")
    return UnavailableAnswer(
        503, wire.dumps(document), "service_unavailable", retry_after=retry_after
    )

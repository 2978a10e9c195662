"""The capture service: one request's unit of work, from its token to the answer it keeps.

A keyed request claims its Idempotency-Key in a transaction of its own (committed, so that a
concurrent retry anywhere sees it in flight), then captures in one more: load and lock the order,
`plan_capture`, write the capture, render the answer and keep it under the key, all committed
together. An unkeyed request is that one transaction alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from capture_order.server.answering import ServerAnswer, problem_answer, refusal_answer
from capture_order.server.domain.capture_errors import CaptureError
from capture_order.server.domain.capture_plan import CaptureRequest, RequestedItem, plan_capture
from capture_order.server.representation import capture_answer
from capture_order.server.store import Store, StoredKeyState, Transaction

Clock = Callable[[], datetime]
# Awaited between a key's claim and the capture (the sandbox's `hold` fault); None: nothing.
AfterClaim = Callable[[], Awaitable[None]] | None


@dataclass(frozen=True)
class Reply:
    """What a capture request gets: the answer, and whether it is a replay of a kept one."""

    answer: ServerAnswer
    replayed: bool = False


def capture_request(body: Mapping[str, Any]) -> CaptureRequest:
    """The domain request for a schema-valid body."""
    items = body.get("order_items")
    return CaptureRequest(
        order_number=body["order"],
        items=None
        if items is None
        else tuple(RequestedItem(item["pk"], item.get("attributes")) for item in items),
    )


def fingerprint(body: Mapping[str, Any]) -> str:
    """The request's identity for idempotency: sha256 of its canonical JSON (the same value)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class CaptureService:
    """Captures orders for authenticated channels, with idempotent retries."""

    def __init__(self, store: Store, clock: Clock, retention: timedelta) -> None:
        self.store = store
        self.clock = clock
        self.retention = retention

    async def capture(
        self,
        channel_id: int,
        body: Mapping[str, Any],
        key: str | None,
        *,
        after_claim: AfterClaim = None,
    ) -> Reply:
        """Carry out one capture request of the channel."""
        request = capture_request(body)
        now = self.clock()
        if key is None:
            return Reply(
                await self.store.run(lambda tx: self._capture(tx, channel_id, request, now, None))
            )
        claim = await self.store.run(
            lambda tx: tx.claim_key(channel_id, key, fingerprint(body), now, self.retention)
        )
        if isinstance(claim, ServerAnswer):
            return Reply(claim, replayed=True)
        if claim is StoredKeyState.REUSED:
            return Reply(problem_answer("idempotency_key_reused"))
        if claim is StoredKeyState.IN_PROGRESS:
            return Reply(problem_answer("idempotency_request_in_progress"))
        try:
            if after_claim is not None:
                await after_claim()
            return Reply(
                await self.store.run(lambda tx: self._capture(tx, channel_id, request, now, key))
            )
        except BaseException:
            await self.store.run(lambda tx: tx.release_key(channel_id, key))
            raise

    @staticmethod
    def _capture(
        tx: Transaction, channel_id: int, request: CaptureRequest, now: datetime, key: str | None
    ) -> ServerAnswer:
        loaded = tx.load_order(channel_id, request.order_number, lock=True)
        try:
            capture = plan_capture(None if loaded is None else loaded.order, request, now)
        except CaptureError as refused:
            answer = refusal_answer(refused)
        else:
            assert loaded is not None  # plan_capture refuses a missing order
            answer = capture_answer(tx.write_capture(loaded, capture), capture)
        if key is not None:
            tx.complete_key(channel_id, key, answer)
        return answer

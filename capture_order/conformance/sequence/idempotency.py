"""Idempotency-Key across the traffic: replays identical and marked, reuse refused, per channel."""

from __future__ import annotations

from dataclasses import dataclass, field

from capture_order.conformance.context import describe
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sequence.rule import Need, Recent, Rule
from capture_order.conformance.sequence.seen import Seen, same_json

# Answers the spec keeps out of the store (CO-IDEM-06), with 405 that precedes them all.
REJECTED = {400, 401, 405, 413, 415}
IN_PROGRESS = "idempotency_request_in_progress"
REUSED = "idempotency_key_reused"
PENDING = 8  # refusals kept per key until the executed request shows up in the stream


@dataclass
class KeyState:
    """One key of one channel: its stored answer and what came before it."""

    executed: Seen | None = None
    rejected: Seen | None = None
    early: list[Seen] = field(default_factory=list)  # replays recorded before their original
    # 422 reuse and 409 in-progress answers recorded before the executed request (a race's
    # refusals often finish first); judged against its body once it comes.
    refusals: list[Seen] = field(default_factory=list)


class KeysReplayOrRefuse(Rule):
    """A key's later requests are replays of its first execution, or refused as reuse."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(
            "keys_replay_or_refuse",
            (
                Need("CO-IDEM-01", "a retry with the same Idempotency-Key and body"),
                Need("CO-IDEM-02", "an Idempotency-Key reused with another body"),
                Need("CO-IDEM-03", "a 409 idempotency_request_in_progress"),
                Need("CO-IDEM-05", "one Idempotency-Key sent by two channels"),
                Need("CO-IDEM-06", "a key first sent in a rejected (400/401/415) request"),
            ),
            redactor,
        )
        self.keys: Recent[tuple[str | None, str], KeyState] = Recent()
        self.owners: Recent[str, Seen] = Recent()
        self.rejected: Recent[str, Seen] = Recent()  # key -> its first rejected request

    def feed(self, seen: Seen) -> None:
        if seen.key is None or seen.status >= 500:
            return
        state = self.keys.touch((seen.channel, seen.key), KeyState())
        if seen.status == 409 and seen.code == IN_PROGRESS:
            self._in_progress(seen)
            self._refusal(state, seen)
        elif seen.status == 422 and seen.code == REUSED:
            self.observe("CO-IDEM-02")
            self._refusal(state, seen)
        elif seen.marked:
            self._replay(state, seen)
        elif seen.status in REJECTED:
            state.rejected = state.rejected or seen
            self.rejected.touch(seen.key, seen)
        elif state.executed is None:
            self._first(state, seen)
        else:
            self._again(state.executed, seen)

    def _in_progress(self, seen: Seen) -> None:
        self.observe("CO-IDEM-03")
        retry_after = seen.exchange.header("Retry-After") or ""
        self.expect(
            retry_after.strip().isdigit(),
            "CO-IDEM-03",
            "409 in progress without Retry-After seconds",
            expected="Retry-After: <seconds>",
            received=f"Retry-After: {retry_after or '(none)'}",
            exchanges=[seen.exchange],
        )

    def _first(self, state: KeyState, seen: Seen) -> None:
        if state.rejected is not None:
            self.observe("CO-IDEM-06")
        state.executed = seen
        owner = self.owners.get(seen.key or "")
        if owner is not None and owner.channel != seen.channel:
            self.observe("CO-IDEM-05")
        else:
            self.owners.touch(seen.key or "", seen)
        for replay in state.early:
            self._compare(seen, replay)
        state.early = []
        for refusal in state.refusals:
            self._refused(seen, refusal)
        state.refusals = []

    def _refusal(self, state: KeyState, seen: Seen) -> None:
        if state.executed is not None:
            self._refused(state.executed, seen)
        elif len(state.refusals) < PENDING:
            state.refusals.append(seen)

    def _refused(self, executed: Seen, refusal: Seen) -> None:
        """A 422 reuse or 409 in progress, against the request the key executed."""
        a, b = executed.exchange, refusal.exchange
        same = same_json(a.request_body, b.request_body)
        if refusal.status == 422:
            self.expect(
                not same,
                "CO-IDEM-01",
                "A retry with the same key and body was refused as key reuse",
                expected=f"{a.status}, the same body, Idempotent-Replayed: true",
                received=describe(b),
                exchanges=[a, b],
            )
        elif not same:
            # The body is compared first: another body is 422 whether or not the key is running.
            self.observe("CO-IDEM-02")
            self.expect(
                False,
                "CO-IDEM-02",
                "Another body under a key in flight was answered 409, not 422",
                expected="422 idempotency_key_reused",
                received=describe(b),
                exchanges=[a, b],
            )

    def _replay(self, state: KeyState, seen: Seen) -> None:
        if seen.status in REJECTED:
            self.observe("CO-IDEM-06")
            # The rejected request may have come from another channel (a 401 has none).
            first = state.rejected or self.rejected.get(seen.key or "")
            earlier = [first.exchange] if first is not None else []
            self.expect(
                False,
                "CO-IDEM-06",
                "A rejected request's answer was replayed",
                expected="an answer of its own (rejected requests are not stored)",
                received=describe(seen.exchange),
                exchanges=[*earlier, seen.exchange],
            )
        elif state.executed is not None:
            self._compare(state.executed, seen)
        elif (
            owner := self.owners.get(seen.key or "")
        ) is not None and owner.channel != seen.channel:
            self.observe("CO-IDEM-05")
            self.expect(
                False,
                "CO-IDEM-05",
                "Another channel's stored answer was replayed",
                expected="a fresh answer: keys are scoped to the channel",
                received=f"Idempotent-Replayed: true; {describe(seen.exchange)}",
                exchanges=[owner.exchange, seen.exchange],
            )
        elif len(state.early) < 8:
            state.early.append(seen)

    def _compare(self, executed: Seen, replay: Seen) -> None:
        """A replay (marked) against the answer it replays."""
        if not same_json(executed.exchange.request_body, replay.exchange.request_body):
            self.observe("CO-IDEM-02")
            self.expect(
                False,
                "CO-IDEM-02",
                "A key reused with another body got a replay",
                expected="422 idempotency_key_reused",
                received=describe(replay.exchange),
                exchanges=[executed.exchange, replay.exchange],
            )
            return
        self.observe("CO-IDEM-01")
        a, b = executed.exchange, replay.exchange
        if a.status == b.status and a.json() == b.json() and replay.replayed:
            return  # most replays: no finding, so no message to build
        self.expect(
            False,
            "CO-IDEM-01",
            "A replay differs from the stored answer",
            expected=f"{a.status}, the same body, Idempotent-Replayed: true",
            received=f"Idempotent-Replayed: {b.header('Idempotent-Replayed')}; {describe(b)}",
            exchanges=[a, b],
        )

    def _again(self, executed: Seen, seen: Seen) -> None:
        """An unmarked answer for a key that has a stored one."""
        a, b = executed.exchange, seen.exchange
        if same_json(a.request_body, b.request_body):
            self.observe("CO-IDEM-01")
            self.expect(
                False,
                "CO-IDEM-01",
                "A retry with the same key and body was not a replay",
                expected=f"{a.status}, the same body, Idempotent-Replayed: true",
                received=f"Idempotent-Replayed: {b.header('Idempotent-Replayed')}; {describe(b)}",
                exchanges=[a, b],
            )
            if seen.overlaps(executed):
                self.observe("CO-IDEM-03")
                self.expect(
                    False,
                    "CO-IDEM-03",
                    "Simultaneous requests with one key were executed twice",
                    expected="one execution; the others 409 in progress or replays",
                    received=describe(b),
                    exchanges=[a, b],
                )
            return
        self.observe("CO-IDEM-02")
        self.expect(
            b.status == 422 and b.code == "idempotency_key_reused",
            "CO-IDEM-02",
            "A key reused with another body was not refused",
            expected="422 idempotency_key_reused",
            received=describe(b),
            exchanges=[a, b],
        )

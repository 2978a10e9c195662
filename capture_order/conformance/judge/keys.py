"""Idempotency-Key across the stream: replays identical and marked, reuse refused, per channel."""

from __future__ import annotations

from dataclasses import dataclass, field

from capture_order.conformance.judge.book import Book
from capture_order.conformance.judge.broken import Expected
from capture_order.conformance.judge.rule import Judged, Recent, Rule
from capture_order.conformance.judge.seen import Seen, same_json
from capture_order.conformance.judge.values import describe
from capture_order.conformance.reproduce import Redactor

# Answers the spec keeps out of the store (CO-IDEM-06), with 405 that precedes them all.
REJECTED = {400, 401, 405, 413, 415}
STORED_NOT = (400, 401, 413, 415)  # the statuses CO-IDEM-06 names
IN_PROGRESS = "idempotency_request_in_progress"
REUSED = "idempotency_key_reused"
# A stored refusal's status -> the case its replays exercise (CO-IDEM-01 "whatever the status").
REFUSAL_REPLAYS = {
    404: "CO-IDEM-01/refusal-replayed",
    409: "CO-IDEM-01/conflict-replayed",
    422: "CO-IDEM-01/unprocessable-replayed",
}
PENDING = 8  # answers kept per key until the executed request shows up in the stream
# However soon a server stores an answer after sending it (CO-IDEM-03), it has done so this
# many seconds after, or the 409's Retry-After if longer: a 409 in progress later is a failure.
STORED_WITHIN_S = 2
CASES = (
    Judged("CO-IDEM-01/same-bytes", "a retry with the same key and the same bytes"),
    Judged("CO-IDEM-01/same-json-value", "a retry with the same key and JSON in other bytes"),
    Judged("CO-IDEM-01/first-not-marked", "the first request with a new key"),
    Judged("CO-IDEM-01/refusal-replayed", "a retry of a keyed request answered 404"),
    Judged("CO-IDEM-01/conflict-replayed", "a retry of a keyed request answered 409"),
    Judged("CO-IDEM-01/unprocessable-replayed", "a retry of a keyed request answered 422"),
    Judged("CO-IDEM-02/other-body-422", "a key reused with another body"),
    Judged("CO-IDEM-02/in-flight-other-body-422", "another body under a key still running"),
    Judged("CO-IDEM-03/executed-once", "simultaneous requests with one key and body"),
    Judged("CO-IDEM-03/retry-after", "a 409 idempotency_request_in_progress"),
    Judged("CO-IDEM-03/stored-once-answered", "a retry started after the first was answered"),
    Judged("CO-IDEM-05/other-channel", "one key sent by two channels"),
    Judged("CO-IDEM-06/after-400", "a key first sent in a 400 request, then executed"),
    Judged("CO-IDEM-06/after-401", "a key first sent in a 401 request, then executed"),
    Judged("CO-IDEM-06/after-413", "a key first sent in a 413 request, then executed"),
    Judged("CO-IDEM-06/after-415", "a key first sent in a 415 request, then executed"),
    Judged("CO-ERR-05/idempotency-before-duplicate", "a reused key with duplicate pks"),
)


@dataclass
class KeyState:
    """One key of one channel: its stored answer and what came before it."""

    executed: Seen | None = None
    rejected: list[Seen] = field(default_factory=list)  # rejected requests before the executed
    early: list[Seen] = field(default_factory=list)  # replays recorded before their original
    # 422 reuse and 409 in-progress answers recorded before the executed request (a race's
    # refusals often finish first); judged against its body once it comes.
    refusals: list[Seen] = field(default_factory=list)
    sent: list[Seen] = field(default_factory=list)  # recent requests (overlaps)


class KeysReplayOrRefuse(Rule):
    """A key's later requests are replays of its first execution, or refused as reuse."""

    def __init__(self, redactor: Redactor, book: Book) -> None:
        super().__init__("keys_replay_or_refuse", CASES, redactor)
        self.book = book
        self.keys: Recent[tuple[str | None, str], KeyState] = Recent()
        self.owners: Recent[str, Seen] = Recent()  # key -> the first channel's executed request
        # key -> rejected requests with it, of any channel (a 401 names no channel)
        self.rejected: Recent[str, list[Seen]] = Recent()

    def feed_expected(self, seen: Seen, expected: Expected) -> None:
        """Judge one exchange with an Idempotency-Key."""
        if seen.key is None or seen.status >= 500 or not _valid_key(expected):
            return
        state = self.keys.touch((seen.channel, seen.key), KeyState())
        self._overlaps(state, seen)
        state.sent = [*state.sent[-PENDING + 1 :], seen]
        if seen.status == 409 and seen.code == IN_PROGRESS:
            self._in_progress(seen)
            self._refusal(state, seen)
        elif seen.status == 422 and seen.code == REUSED:
            self._refusal(state, seen)
        elif seen.marked:
            self._replay(state, seen)
        elif seen.status in REJECTED:
            state.rejected.append(seen)
            found = self.rejected.touch(seen.key, [])
            if len(found) < PENDING:
                found.append(seen)
        elif state.executed is None:
            self._first(state, seen)
        else:
            self._again(state.executed, seen)

    def _overlaps(self, state: KeyState, seen: Seen) -> None:
        """Simultaneous requests with one key and body: one of them is executed."""
        for other in state.sent:
            if other.overlaps(seen) and same_json(
                other.exchange.request_body, seen.exchange.request_body
            ):
                self.observe("CO-IDEM-03/executed-once")
                return

    def _in_progress(self, seen: Seen) -> None:
        retry_after = seen.exchange.header("Retry-After") or ""
        if not retry_after.strip().isdigit():
            self.expect(
                False,
                "CO-IDEM-03/retry-after",
                "409 in progress without Retry-After seconds",
                expected="Retry-After: <seconds>",
                received=f"Retry-After: {retry_after or '(none)'}",
                exchanges=[seen.exchange],
            )
        else:
            self.observe("CO-IDEM-03/retry-after")

    def _first(self, state: KeyState, seen: Seen) -> None:
        for rejected in self.rejected.get(seen.key or "", []):
            if rejected.status in STORED_NOT:
                self.observe(f"CO-IDEM-06/after-{rejected.status}")
        state.executed = seen
        owner = self.owners.get(seen.key or "")
        if owner is not None and owner.channel != seen.channel:
            self.observe("CO-IDEM-05/other-channel")
        else:
            self.owners.touch(seen.key or "", seen)
        self.observe("CO-IDEM-01/first-not-marked")
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

    def finish(self) -> None:
        """A new key's answers as reuse, in progress or a replay, with nothing executed."""
        for (_, key), state in self.keys.items():
            if state.executed is not None or not self.book.facts.fresh_key(key):
                continue
            for seen in state.refusals:
                self.expect(
                    False,
                    "CO-IDEM-02/other-body-422"
                    if seen.status == 422
                    else "CO-IDEM-03/executed-once",
                    "A new key was refused as in use, and no request with it was executed",
                    expected="the first request with the key executed",
                    received=describe(seen.exchange),
                    exchanges=[seen.exchange],
                )
            for seen in state.early:
                self.expect(
                    False,
                    "CO-IDEM-01/first-not-marked",
                    "A new key's answer is marked as a replay, and no request with it was executed",
                    expected="no Idempotent-Replayed on the first response",
                    received=f"Idempotent-Replayed: {seen.exchange.header('Idempotent-Replayed')}",
                    exchanges=[seen.exchange],
                )

    def _refused(self, executed: Seen, refusal: Seen) -> None:
        """A 422 reuse or 409 in progress, against the request the key executed."""
        a, b = executed.exchange, refusal.exchange
        same = same_json(a.request_body, b.request_body)
        if refusal.status == 422:
            if same:
                # In flight, one of its replays or a 409 in progress; after, a replay.
                raced = refusal.overlaps(executed)
                self.expect(
                    False,
                    "CO-IDEM-03/executed-once" if raced else _replay_case(executed, refusal),
                    "Simultaneous requests with one key and body were refused as key reuse"
                    if raced
                    else "A retry with the same key and body was refused as key reuse",
                    expected=f"{a.status}, the same body, Idempotent-Replayed: true",
                    received=describe(b),
                    exchanges=[a, b],
                )
                return
            self.observe("CO-IDEM-02/other-body-422")
            if refusal.overlaps(executed):
                self.observe("CO-IDEM-02/in-flight-other-body-422")
            pks = refusal.listed_pks()
            if len(pks) != len(set(pks)):
                self.observe("CO-ERR-05/idempotency-before-duplicate")
        elif same:
            self._stored(executed, refusal)
        else:
            # The body is compared first: another body is 422 whether or not the key is running.
            self.expect(
                False,
                "CO-IDEM-02/in-flight-other-body-422",
                "Another body under a key in flight was answered 409, not 422",
                expected="422 idempotency_key_reused",
                received=describe(b),
                exchanges=[a, b],
            )

    def _stored(self, executed: Seen, retry: Seen) -> None:
        """A retry with the executed request's body, started after its answer was received.

        One started during the first request, or within the grace after its answer, may meet
        it still running (a 409 in progress): only a 409 to a later one says the answer was
        never stored.
        """
        a, b = executed.exchange, retry.exchange
        if a.started is None or b.started is None:
            return
        waited = b.started - (a.started + a.elapsed_ms / 1000)
        if waited < 0:
            return
        if retry.replayed:
            self.observe("CO-IDEM-03/stored-once-answered")
            return
        retry_after = (b.header("Retry-After") or "").strip()
        if not retry_after.isdigit():
            return  # no seconds to wait: CO-IDEM-03/retry-after judges that 409 already
        grace = max(int(retry_after), STORED_WITHIN_S)
        self.expect(
            waited < grace,
            "CO-IDEM-03/stored-once-answered",
            "A retry started after the first request was answered is still told it is running",
            expected=f"{a.status}, the same body, Idempotent-Replayed: true (the stored answer)",
            received=f"{describe(b)}, sent {waited:.1f} s after the first was answered",
            exchanges=[a, b],
        )

    def _replay(self, state: KeyState, seen: Seen) -> None:
        if seen.status in REJECTED:
            # The rejected request may have come from another channel (a 401 has none).
            others = self.rejected.get(seen.key or "")
            first = state.rejected[0] if state.rejected else (others[0] if others else None)
            earlier = [first.exchange] if first is not None else []
            status = first.status if first is not None else seen.status
            self.expect(
                False,
                f"CO-IDEM-06/after-{status if status in STORED_NOT else 400}",
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
            self.expect(
                False,
                "CO-IDEM-05/other-channel",
                "Another channel's stored answer was replayed",
                expected="a fresh answer: keys are scoped to the channel",
                received=f"Idempotent-Replayed: true; {describe(seen.exchange)}",
                exchanges=[owner.exchange, seen.exchange],
            )
        elif len(state.early) < PENDING:
            state.early.append(seen)

    def _compare(self, executed: Seen, replay: Seen) -> None:
        """A replay (marked) against the answer it replays."""
        a, b = executed.exchange, replay.exchange
        if not same_json(a.request_body, b.request_body):
            self.expect(
                False,
                "CO-IDEM-02/other-body-422",
                "A key reused with another body got a replay",
                expected="422 idempotency_key_reused",
                received=describe(b),
                exchanges=[a, b],
            )
            return
        case = _replay_case(executed, replay)
        if a.status == b.status and a.json() == b.json() and replay.replayed:
            self.observe(case)
            self._stored(executed, replay)
            return  # most replays: no finding, so no message to build
        self.expect(
            False,
            case,
            "A replay differs from the stored answer",
            expected=f"{a.status}, the same body, Idempotent-Replayed: true",
            received=f"Idempotent-Replayed: {b.header('Idempotent-Replayed')}; {describe(b)}",
            exchanges=[a, b],
        )

    def _again(self, executed: Seen, seen: Seen) -> None:
        """An unmarked answer for a key that has a stored one."""
        a, b = executed.exchange, seen.exchange
        if same_json(a.request_body, b.request_body):
            self.expect(
                False,
                _replay_case(executed, seen),
                "A retry with the same key and body was not a replay",
                expected=f"{a.status}, the same body, Idempotent-Replayed: true",
                received=f"Idempotent-Replayed: {b.header('Idempotent-Replayed')}; {describe(b)}",
                exchanges=[a, b],
            )
            if seen.overlaps(executed):
                self.expect(
                    False,
                    "CO-IDEM-03/executed-once",
                    "Simultaneous requests with one key were executed twice",
                    expected="one execution; the others 409 in progress or replays",
                    received=describe(b),
                    exchanges=[a, b],
                )
            return
        reused = b.status == 422 and b.code == REUSED
        self.expect(
            reused,
            "CO-IDEM-02/other-body-422",
            "A key reused with another body was not refused",
            expected="422 idempotency_key_reused",
            received=describe(b),
            exchanges=[a, b],
        )
        pks = seen.listed_pks()
        if len(pks) != len(set(pks)):
            self.expect(
                reused,
                "CO-ERR-05/idempotency-before-duplicate",
                "A reused key with duplicate pks was not answered for the key first",
                expected="422 idempotency_key_reused (idempotency before the duplicate)",
                received=describe(b),
                exchanges=[a, b],
            )


def _replay_case(executed: Seen, replay: Seen) -> str:
    """The CO-IDEM-01 case a retry of an executed request exercises."""
    if executed.status != 200:
        return REFUSAL_REPLAYS.get(executed.status, "CO-IDEM-01/refusal-replayed")
    if executed.exchange.request_body == replay.exchange.request_body:
        return "CO-IDEM-01/same-bytes"
    return "CO-IDEM-01/same-json-value"


def _valid_key(expected: Expected) -> bool:
    """Whether the request's key is one the deployment keeps (no CO-REQ-07 refusal)."""
    return not any(b.requirement == "CO-REQ-07" for b in expected.broken)

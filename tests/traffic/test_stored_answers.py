"""CO-IDEM-03's end of "still running": a retry long after the first answer is never a 409."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from tests.traffic.samples import TOKEN, URL, example

CASE = "CO-IDEM-03/stored-once-answered"
KEY = "retry-7f3a"
BODY = json.dumps({"order": "CO-ŞİĞ-000123"}).encode()
ANSWERED_AT = 1_764_000_000.0  # the first request's start (Unix time); it takes ELAPSED_MS
ELAPSED_MS = 40.0
IN_PROGRESS = {
    "type": "/problems/idempotency-request-in-progress",
    "title": "Request in progress",
    "status": 409,
    "code": "idempotency_request_in_progress",
}


def _exchange(
    started: float, status: int, answer: dict[str, Any], *headers: tuple[str, str]
) -> Exchange:
    media = "application/json" if status == 200 else "application/problem+json"
    return Exchange(
        method="POST",
        url=URL,
        request_headers=(
            ("Authorization", TOKEN),
            ("Content-Type", "application/json"),
            ("Idempotency-Key", KEY),
        ),
        request_body=BODY,
        status=status,
        response_headers=(("Content-Type", media), *headers),
        response_body=json.dumps(answer).encode(),
        elapsed_ms=ELAPSED_MS,
        source="test",
        started=started,
    )


def _first() -> Exchange:
    return _exchange(ANSWERED_AT, 200, example("OrderFullyCaptured"))


def _in_progress(after_answer_s: float, retry_after: str = "1") -> Exchange:
    """A 409 in progress to a retry started that many seconds after the first was answered."""
    started = ANSWERED_AT + ELAPSED_MS / 1000 + after_answer_s
    return _exchange(started, 409, IN_PROGRESS, ("Retry-After", retry_after))


def _replay(after_answer_s: float) -> Exchange:
    started = ANSWERED_AT + ELAPSED_MS / 1000 + after_answer_s
    answer = example("OrderFullyCaptured")
    return _exchange(started, 200, answer, ("Idempotent-Replayed", "true"))


def _judged(*exchanges: Exchange) -> tuple[str, str, list[str | None]]:
    """CO-IDEM-03's verdict, the case's, and the cases its findings name."""
    report = judge_exchanges(exchanges, Settings(base_url="test"))
    found = next(r for r in report.requirements if r.requirement.id == "CO-IDEM-03")
    case = next(c for c in found.cases if c.ref == CASE)
    return found.status.value, case.status.value, [f.requirement for _, f in found.findings]


def test_a_409_in_progress_past_the_grace_after_the_answer_fails() -> None:
    judged = _judged(_first(), _in_progress(0.01), _in_progress(2.3))
    assert judged == ("FAIL", "FAIL", [CASE])


def test_a_409_in_progress_within_the_grace_after_the_answer_passes() -> None:
    # A server may store the answer just after sending it: 2 s, or the 409's Retry-After.
    assert _judged(_first(), _in_progress(0.01), _in_progress(1.9)) == ("PASS", "PASS", [])
    assert _judged(_first(), _in_progress(3.5, retry_after="5")) == ("PASS", "PASS", [])


def test_a_409_in_progress_to_a_retry_sent_while_the_first_ran_is_no_finding() -> None:
    racing = _exchange(ANSWERED_AT + 0.01, 409, IN_PROGRESS, ("Retry-After", "1"))
    status, _, findings = _judged(racing, _first())
    assert (status, findings) == ("PASS", [])


def test_replays_after_the_answer_pass_the_case() -> None:
    assert _judged(_first(), _replay(0.01), _replay(3.0)) == ("PASS", "PASS", [])


def test_a_queued_retry_answered_as_a_replay_after_the_first_is_no_finding() -> None:
    queued = _exchange(ANSWERED_AT + 0.01, 200, example("OrderFullyCaptured"))
    queued = replace(
        queued,
        elapsed_ms=ELAPSED_MS * 3,
        response_headers=(*queued.response_headers, ("Idempotent-Replayed", "true")),
    )
    status, _, findings = _judged(_first(), queued)
    assert (status, findings) == ("PASS", [])


def test_a_late_409_without_seconds_is_judged_by_retry_after_alone() -> None:
    late = _exchange(
        ANSWERED_AT + 3.0, 409, IN_PROGRESS, ("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT")
    )
    assert _judged(_first(), late) == ("FAIL", "SKIP", ["CO-IDEM-03/retry-after"])

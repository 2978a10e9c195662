"""The leak sweep finds what it looks for wherever a response holds it, once per kind."""

from __future__ import annotations

import json

from capture_order.conformance.http import Exchange
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sweep import LEAK_HINTS, SWEEPS, run_sweep
from capture_order.conformance.verdict import Status

LEAKS = next(s for s in SWEEPS if s.name == "responses_leak_nothing")
TRACE = 'Traceback (most recent call last):\n  File "/srv/app/api.py", line 12, in capture'


def _exchange(body: str, headers: tuple[tuple[str, str], ...] = ()) -> Exchange:
    return Exchange(
        method="POST",
        url="http://127.0.0.1/api/v1/capture-order/",
        request_headers=(("Authorization", "Token 0123456789abcdef"),),
        request_body=b'{"order": "CO-1"}',
        status=500,
        response_headers=(("content-type", "application/problem+json"), *headers),
        response_body=body.encode("utf-8"),
        elapsed_ms=1.0,
        source="test",
    )


def _titles(*exchanges: Exchange) -> list[str]:
    result = run_sweep(LEAKS, exchanges, (), Redactor({}))
    return [f.title.split(" (")[0] for f in result.findings]


def test_a_stack_trace_in_the_body_is_found() -> None:
    body = json.dumps({"title": "Internal error", "detail": TRACE})
    assert _titles(_exchange(body)) == [
        "Response contains a stack trace",
        "Response contains an internal path",
    ]


def test_sql_in_a_header_alone_is_found() -> None:
    found = _titles(_exchange('{"title": "x"}', (("x-debug", "SELECT pk FROM orders"),)))
    assert found == ["Response contains SQL or a database error"]


def test_a_leak_in_non_ascii_text_is_found() -> None:
    body = json.dumps({"detail": "échec: sqlalchemy.exc.IntegrityError"}, ensure_ascii=False)
    assert _titles(_exchange(body)) == ["Response contains SQL or a database error"]


def test_the_same_body_again_is_judged_the_same() -> None:
    leaking, clean = _exchange(json.dumps({"detail": TRACE})), _exchange('{"title": "fine"}')
    result = run_sweep(LEAKS, [clean, leaking, clean, leaking], (), Redactor({}))
    assert result.status == Status.FAIL
    assert _titles(clean, clean) == []


def test_the_token_sent_echoed_in_a_body_is_found() -> None:
    assert _titles(_exchange('{"detail": "bad key 0123456789abcdef"}')) == [
        "Response contains a credential"
    ]


def test_no_hint_spans_lines() -> None:
    # The body and the header lines are scanned for hints apart: a hint across them would be lost.
    assert not [h for hints in LEAK_HINTS.values() for h in hints if "\n" in h]


def test_a_hint_in_capitals_in_the_body_is_found() -> None:
    assert _titles(_exchange('{"detail": "SELECT pk FROM orders WHERE 1"}')) == [
        "Response contains SQL or a database error"
    ]


def test_a_leak_beside_a_latin_1_header_value_is_found() -> None:
    found = _titles(_exchange('{"title": "x"}', (("x-debug", "café /usr/lib/app.py"),)))
    assert found == ["Response contains an internal path"]

"""Checks closed after the mutation run: each catches a server that breaks its rule, over HTTP.

Every test puts the reference server behind the fault proxy with one small, unregistered fault
and runs only the checks concerned, so a finding can only come from the rule under test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.faults.proxy import FaultProxy
from tests.faults.registry import Fault, FaultContext, Message
from tests.harness import Reference, SuiteRun, loopback_socket, run_suite, serving, url_of

pytestmark = pytest.mark.slow


@contextmanager
def _behind(reference: Reference, fault: Fault | None) -> Iterator[Path]:
    """Fresh fixtures pointing at a proxy in front of the reference server with the fault."""
    with loopback_socket() as sock:
        fixtures = reference.seed(orders=6, items=3, base_url=url_of(sock))
        proxy = FaultProxy(reference.base_url, fault, json.loads(fixtures.read_text("utf-8")))
        with serving(proxy, sock, name="fault-proxy"):
            yield fixtures


def _run(reference: Reference, fault: Fault | None, only: str, tmp_path: Path) -> SuiteRun:
    with _behind(reference, fault) as fixtures:
        return run_suite(
            "--fixtures", str(fixtures), "--seed", "5", "--only", only, report_dir=tmp_path
        )


def _findings(outcome: SuiteRun) -> dict[str, set[str]]:
    """Requirement ID -> titles of its findings (without the scenario that showed them)."""
    assert outcome.report is not None, outcome.stdout + outcome.stderr
    return {
        r["id"]: {
            re.sub(r"( \([a-z_:, ]+\))?( \(and \d+ more like these\))?$", "", f["title"])
            for f in r["failures"]
        }
        for r in outcome.report["requirements"]
        if r["status"] in ("FAIL", "WARN")
    }


def _fault(name: str, *requirements: str, **hooks: Any) -> Fault:
    return Fault(name, "test", name, requirements, **hooks)


# Partial captures whose money does not add up -----------------------------------------------


async def _inflate_partial(ctx: FaultContext, request: Message, response: Message) -> None:
    # A capture that leaves items uncaptured takes one unit more than its items carry.
    body = response.json()
    if response.status == 200 and body.get("capture_state") == "partially_captured":
        body["capture"]["amount"] += 1
        body["captured_amount"] += 1
        response.set_json(body)


async def _captured_amount_drifts(ctx: FaultContext, request: Message, response: Message) -> None:
    # capture.amount is right, but the cumulative captured_amount grows by another sum.
    body = response.json()
    if response.status == 200 and body.get("capture_state") == "partially_captured":
        body["captured_amount"] += Decimal("0.01")
        response.set_json(body)


PARTIAL = "partial_capture_captures_exactly_the_listed_items"


def test_partial_capture_taking_more_than_its_items_fails(
    reference: Reference, tmp_path: Path
) -> None:
    fault = _fault("inflate", "CO-CAP-08", on_response=_inflate_partial)
    outcome = _run(reference, fault, PARTIAL, tmp_path)
    assert outcome.returncode == 1, outcome.stdout
    titles = _findings(outcome)
    assert "capture.amount is not the sum of the captured items' amounts" in titles["CO-CAP-08"]
    assert "The final capture did not take the rest of the order amount" in titles["CO-CAP-08"]


def test_captured_amount_not_growing_by_the_capture_fails(
    reference: Reference, tmp_path: Path
) -> None:
    fault = _fault("drift", "CO-MON-01", on_response=_captured_amount_drifts)
    outcome = _run(reference, fault, PARTIAL, tmp_path)
    assert outcome.returncode == 1, outcome.stdout
    assert (
        "captured_amount did not grow by exactly capture.amount" in _findings(outcome)["CO-MON-01"]
    )


# Replays --------------------------------------------------------------------------------------


async def _shout_replay(ctx: FaultContext, request: Message, response: Message) -> None:
    if response.header("Idempotent-Replayed") is not None:
        response.set_header("Idempotent-Replayed", "TRUE")


async def _byte_identity(ctx: FaultContext, request: Message) -> Message | None:
    # Keys compared with the raw bytes of the body, not its JSON value.
    key = request.header("idempotency-key")
    seen: dict[str, bytes] = ctx.state.setdefault("bodies", {})
    if key is None or request.method != "POST":
        return None
    if seen.setdefault(key, request.body) == request.body:
        return None
    return _reused()


def _reused() -> Message:
    refused = Message(status=422, headers=[("Content-Type", "application/problem+json")])
    refused.set_json(
        {
            "type": "/problems/idempotency-key-reused",
            "title": "Idempotency key reused",
            "status": 422,
            "detail": "This Idempotency-Key was used with a different request body.",
            "code": "idempotency_key_reused",
        }
    )
    return refused


REPLAY = "idempotent_retry_is_replayed"


async def _in_flight_is_reuse(ctx: FaultContext, request: Message) -> Message | None:
    # A request meeting its key in flight is refused as a reuse (422), not 409 Retry-After.
    key = request.header("idempotency-key")
    flying: set[str] = ctx.state.setdefault("flying", set())
    if key is None or request.method != "POST":
        return None
    if key in flying:
        return _reused()
    flying.add(key)
    try:
        return await ctx.forward(request)
    finally:
        flying.discard(key)


def test_replay_header_in_another_case_fails(reference: Reference, tmp_path: Path) -> None:
    fault = _fault("shout", "CO-IDEM-01", on_response=_shout_replay)
    outcome = _run(reference, fault, f"{REPLAY},responses_are_documented", tmp_path)
    assert outcome.returncode == 1, outcome.stdout
    titles = _findings(outcome)
    assert "A replay differs from the stored answer" in titles["CO-IDEM-01"]
    assert any(
        "Idempotent-Replayed header has an undocumented value" in t for t in titles["CO-RSP-01"]
    )


def test_retry_with_reordered_members_must_replay(reference: Reference, tmp_path: Path) -> None:
    fault = _fault("bytes", "CO-IDEM-01", on_request=_byte_identity)
    outcome = _run(reference, fault, REPLAY, tmp_path)
    assert outcome.returncode == 1, outcome.stdout
    assert _findings(outcome) == {
        "CO-IDEM-01": {"A retry with the same key and body was refused as key reuse"}
    }


def test_request_in_flight_refused_as_key_reuse_fails(reference: Reference, tmp_path: Path) -> None:
    fault = _fault("in-flight", "CO-IDEM-03", on_request=_in_flight_is_reuse)
    outcome = _run(reference, fault, "concurrent_same_key_executes_once", tmp_path)
    assert outcome.returncode == 1, outcome.stdout
    found = _findings(outcome)
    assert found["CO-IDEM-03"] == {
        "Simultaneous requests with one key and body were refused as key reuse"
    }
    # A refusal whose timing did not show it simultaneous reads as a retry refused instead.
    assert set(found) <= {"CO-IDEM-03", "CO-IDEM-01"}


# Bodiless answers are the deployment's failure, not a run that could not be carried out -------


async def _empty_bodies(ctx: FaultContext, request: Message, response: Message) -> None:
    # What the mutant `Response(None, ...)` in the handler does: every answer it writes is empty.
    if request.method == "POST" and response.status in (200, 404, 409, 422):
        response.body = b""


async def _nothing_here(ctx: FaultContext, request: Message) -> Message:
    return Message(status=404, headers=[("Content-Type", "text/html")], body=b"<h1>Not Found</h1>")


def test_empty_answers_of_the_handler_fail_the_run(reference: Reference, tmp_path: Path) -> None:
    fault = _fault("empty", "CO-RSP-02", on_response=_empty_bodies)
    outcome = _run(reference, fault, "full_capture_is_visible,foreign_order_is_not_found", tmp_path)
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    findings = _findings(outcome)
    assert "200 body is not a valid Order" in findings["CO-RSP-02"]


def test_no_operation_at_the_url_is_still_exit_2(reference: Reference, tmp_path: Path) -> None:
    fault = _fault("nothing", "CO-RSP-01", on_request=_nothing_here)
    outcome = _run(reference, fault, "full_capture_is_visible", tmp_path)
    assert outcome.returncode == 2, outcome.stdout + outcome.stderr
    assert "no capture-order operation" in outcome.stderr


def test_clean_server_passes_the_sharpened_checks(reference: Reference, tmp_path: Path) -> None:
    only = f"{PARTIAL},{REPLAY},responses_are_documented,full_capture_is_visible"
    outcome = _run(reference, None, only, tmp_path)
    assert outcome.returncode == 0, outcome.stdout
    assert _findings(outcome) == {}

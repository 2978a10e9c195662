"""Every fault kind against a real sandbox server: what a client observes is what the contract says.

Faults act before or after the capture's unit of work: before, nothing is claimed or captured
and a retry with the same key is executed; after, the capture is committed and kept under the
key, so a retry with the same key is its replay.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from capture_order.contract.facts import response_schema_pointer
from capture_order.contract.spec import load_spec
from capture_order.contract.validation import contract_judge
from capture_order.server.sandbox.client import Sandbox, SandboxError
from tests.sandbox.conftest import problem


@pytest.mark.requirement("CO-SBX-04")
def test_internal_error_answers_500_and_captures_nothing(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("internal_error", order=order)
    problem(sandbox.capture(order, key="k-500"), 500, "internal_error")
    assert sandbox.order(order).state == "capturable"
    retry = sandbox.capture(order, key="k-500")
    assert retry.status_code == 200 and "Idempotent-Replayed" not in retry.headers


@pytest.mark.requirement("CO-SBX-04")
def test_service_unavailable_answers_503_with_retry_after(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("service_unavailable", order=order, retry_after=2)
    refused = sandbox.capture(order, key="k-503")
    body = problem(refused, 503, "service_unavailable")
    assert refused.headers["Retry-After"] == "2"
    # In the contract's shape: its 503 response once the spec documents one, a Problem until then.
    judge = contract_judge()
    schema = (
        response_schema_pointer(503, "application/problem+json") or "/components/schemas/Problem"
    )
    assert judge.errors(schema, body) == []
    assert judge.header_errors(load_spec()["components"]["headers"]["RetryAfter"], "2") == []
    assert sandbox.order(order).state == "capturable"
    assert sandbox.capture(order, key="k-503").status_code == 200


@pytest.mark.requirement("CO-SBX-04")
def test_delay_answers_late_after_the_capture_committed(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("delay", order=order, duration_ms=1200)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        sandbox.capture(order, key="k-slow", timeout=0.4)
    # Committed before the delay: the client's retry (while the answer is still delayed) replays.
    retry = sandbox.capture(order, key="k-slow")
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert time.monotonic() - started < 1.2
    patient = sandbox.create_order()
    sandbox.arm("delay", order=patient, duration_ms=300)
    started = time.monotonic()
    assert sandbox.capture(patient).status_code == 200
    assert time.monotonic() - started >= 0.3


@pytest.mark.requirement("CO-SBX-04")
def test_drop_before_commit_closes_the_connection_and_captures_nothing(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("drop_before_commit", order=order)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        sandbox.capture(order, key="k-lost")
    assert sandbox.order(order).state == "capturable"
    retry = sandbox.capture(order, key="k-lost")
    assert retry.status_code == 200 and "Idempotent-Replayed" not in retry.headers


@pytest.mark.requirement("CO-SBX-04")
def test_drop_after_commit_loses_the_answer_and_the_retry_replays_it(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("drop_after_commit", order=order)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        sandbox.capture(order, key="k-commit")
    assert sandbox.order(order).state == "fully_captured"  # it really committed
    retry = sandbox.capture(order, key="k-commit")
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["captured_items"] == order.pks
    assert sandbox.capture(order, key="k-commit").content == retry.content
    # Without the key, the retry is a second capture: exactly what keys are for.
    problem(sandbox.capture(order), 409, "order_already_captured")


@pytest.mark.requirement("CO-SBX-04", "CO-SBX-06")
def test_hold_keeps_the_key_in_progress_for_a_concurrent_retry(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    hold = sandbox.arm("hold", order=order, duration_ms=1500)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(sandbox.capture, order, key="k-held")
        sandbox.wait_for_event("fault.injected", fault=hold)
        retry = sandbox.capture(order, key="k-held")
        problem(retry, 409, "idempotency_request_in_progress")
        assert retry.headers["Retry-After"] == "1"
        assert sandbox.order(order).state == "capturable"  # held before the unit of work
        assert first.result().status_code == 200
    later = sandbox.capture(order, key="k-held")
    assert later.status_code == 200 and later.headers["Idempotent-Replayed"] == "true"


@pytest.mark.requirement("CO-SBX-05")
def test_a_fault_acts_on_exactly_the_next_n_matching_requests(sandbox: Sandbox) -> None:
    mine, other = sandbox.create_order(), sandbox.create_order()
    fault = sandbox.arm("internal_error", order=mine, count=2)
    assert sandbox.capture(other).status_code == 200  # does not match: not spent
    assert sandbox.fault(fault).remaining == 2
    problem(sandbox.capture(mine), 500, "internal_error")
    assert sandbox.fault(fault).remaining == 1
    problem(sandbox.capture(mine), 500, "internal_error")
    with pytest.raises(SandboxError) as gone:
        sandbox.fault(fault)
    assert gone.value.status == 404 and gone.value.code == "fault_not_found"
    assert sandbox.capture(mine).status_code == 200


@pytest.mark.requirement("CO-SBX-05")
def test_faults_match_by_channel_and_the_first_armed_acts(sandbox: Sandbox) -> None:
    a, b = sandbox.channels()[:2]
    foreign = sandbox.create_order(channel=b)
    sandbox.arm("service_unavailable", channel=b)
    sandbox.arm("internal_error")  # any request, armed second
    problem(sandbox.capture(foreign, token=b.token), 503, "service_unavailable")
    problem(sandbox.capture(sandbox.create_order(channel=a)), 500, "internal_error")
    assert sandbox.faults() == []


@pytest.mark.requirement("CO-SBX-04", "CO-SBX-09")
def test_injected_faults_and_capture_outcomes_are_events(sandbox: Sandbox) -> None:
    start = sandbox.events().cursor
    order = sandbox.create_order(items=2)
    fault = sandbox.arm("drop_after_commit", order=order)
    with pytest.raises(httpx.RemoteProtocolError):
        sandbox.capture(order, key="k-ev", items=[order.pks[0]])
    sandbox.capture(order, key="k-ev", items=[order.pks[0]])
    sandbox.capture(order, items=[order.pks[0]])
    sandbox.capture("no-such-order")
    page = sandbox.events(since=start)
    assert [e.type for e in page.events] == [
        "capture.refused", "capture.conflict", "capture.replayed", "fault.injected",
        "capture.captured", "fault.armed", "order.created",
    ]  # fmt: skip
    injected = page.events[3]
    assert (injected.fault, injected.code, injected.status) == (fault.id, "drop_after_commit", 200)
    assert injected.idempotency_key == "k-ev" and injected.order == order.number
    assert page.events[1].code == "order_item_already_captured"
    assert page.events[0].code == "order_not_found" and page.events[0].status == 404

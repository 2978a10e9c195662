"""A client team's tests against the sandbox: the README's worked examples, one per fault.

Run them as a client team would, with the sandbox's pytest plugin:

    pytest -p server.sandbox.pytest_plugin examples/sandbox

`capture` below stands for the client code under test: a capture with an Idempotency-Key and a
retry loop. Each test puts the server in one state and checks what the client makes of it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from capture_order.server.sandbox.client import Sandbox, SandboxOrder


def capture(
    sandbox: Sandbox, order: SandboxOrder, key: str, *, timeout: float = 1.0
) -> httpx.Response:
    """The client under test: capture, retrying lost, failed, slow or still-running requests."""
    for _attempt in range(4):
        try:
            answer = httpx.post(
                sandbox.capture_url,
                json={"order": order.number},
                headers={"Authorization": sandbox.token, "Idempotency-Key": key},
                timeout=timeout,
            )
        except httpx.TransportError:  # connection dropped, or no answer in time: retry
            continue
        in_progress = answer.status_code == 409 and "Retry-After" in answer.headers
        if answer.status_code in (500, 503) or in_progress:
            time.sleep(float(answer.headers.get("Retry-After", "0.2")))
            continue
        return answer
    raise RuntimeError("gave up")


def test_a_lost_answer_is_replayed_not_captured_twice(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("drop_after_commit", order=order)  # commits, then closes without an answer
    answer = capture(sandbox, order, key="order-1-capture")
    assert answer.status_code == 200
    assert answer.headers["Idempotent-Replayed"] == "true"  # the retry got the kept answer
    assert sandbox.order(order).state == "fully_captured"  # captured once


def test_a_connection_lost_before_the_capture_is_retried(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("drop_before_commit", order=order)  # closes before anything is captured
    answer = capture(sandbox, order, key="order-2-capture")
    assert answer.status_code == 200
    assert "Idempotent-Replayed" not in answer.headers  # the retry did the capture


def test_a_500_is_retried_and_captures_once(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("internal_error", order=order, count=2)  # two 500 problems, nothing captured
    answer = capture(sandbox, order, key="order-3-capture")
    assert answer.status_code == 200
    injected = [e for e in sandbox.events().events if e.type == "fault.injected"]
    assert [e.status for e in injected] == [500, 500]


def test_a_503_is_retried_after_its_retry_after(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("service_unavailable", order=order, retry_after=1)
    started = time.monotonic()
    answer = capture(sandbox, order, key="order-4-capture")
    assert answer.status_code == 200
    assert time.monotonic() - started >= 1  # it waited as told


def test_a_timed_out_capture_is_retried_with_its_key(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    sandbox.arm("delay", order=order, duration_ms=2500)  # captures, then answers 2.5 s late
    answer = capture(sandbox, order, key="order-5-capture", timeout=1.0)
    assert answer.status_code == 200
    assert answer.headers["Idempotent-Replayed"] == "true"


def test_a_retry_meets_the_first_request_still_in_flight(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    hold = sandbox.arm("hold", order=order, duration_ms=800)  # key in progress for 0.8 s
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(capture, sandbox, order, "order-6-capture")
        sandbox.wait_for_event("fault.injected", fault=hold)  # the first request is held now
        retry = httpx.post(
            sandbox.capture_url,
            json={"order": order.number},
            headers={"Authorization": sandbox.token, "Idempotency-Key": "order-6-capture"},
        )
        assert retry.status_code == 409
        assert retry.json()["code"] == "idempotency_request_in_progress"
        assert retry.headers["Retry-After"] == "1"
        assert first.result().status_code == 200
    assert capture(sandbox, order, key="order-6-capture").headers["Idempotent-Replayed"] == "true"


def test_an_order_cancelled_after_it_was_read_is_not_retried(sandbox: Sandbox) -> None:
    order = sandbox.create_order("partially_captured")  # what the client read
    sandbox.cancel(order)  # ... and then the order was cancelled
    answer = capture(sandbox, order, key="order-7-capture")
    assert answer.status_code == 409
    assert answer.json()["code"] == "order_cancelled"


def test_a_key_older_than_seven_days_is_a_new_request(sandbox: Sandbox) -> None:
    order = sandbox.create_order()
    assert capture(sandbox, order, key="order-8-capture").status_code == 200
    sandbox.advance_clock(days=7, seconds=1)  # past the retention of kept answers
    late = capture(sandbox, order, key="order-8-capture")
    assert late.status_code == 409  # executed anew, not replayed
    assert late.json()["code"] == "order_already_captured"

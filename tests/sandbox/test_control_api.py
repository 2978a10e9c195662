"""The control API's faults, clock, reset and events, and its answers to bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from capture_order.server.demo import DEMO_LABEL
from capture_order.server.sandbox.client import Sandbox, SandboxError
from tests.sandbox.conftest import problem

JSON = {"Content-Type": "application/json"}


def control(sandbox: Sandbox, method: str, path: str, **kwargs: object) -> httpx.Response:
    """A raw control request, to see the answer itself."""
    return sandbox.http.request(method, path, **kwargs)  # type: ignore[arg-type]


def test_faults_are_listed_read_and_disarmed(sandbox: Sandbox) -> None:
    first = sandbox.arm("delay", duration_ms=250, count=3)
    second = sandbox.arm("service_unavailable", channel=sandbox.channels()[0])
    assert (first.duration_ms, first.retry_after, second.retry_after) == (250, None, 1)
    assert [f.id for f in sandbox.faults()] == [first.id, second.id]
    assert sandbox.fault(first.id).remaining == 3
    sandbox.disarm(first)
    assert [f.id for f in sandbox.faults()] == [second.id]
    with pytest.raises(SandboxError) as gone:
        sandbox.disarm(first)
    assert (gone.value.status, gone.value.code) == (404, "fault_not_found")
    sandbox.disarm()
    assert sandbox.faults() == []
    order = sandbox.create_order()
    assert sandbox.capture(order).status_code == 200


@pytest.mark.requirement("CO-SBX-10")
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "explode"}, 400, "invalid_request"),
        ({"kind": "delay", "count": 0}, 400, "invalid_request"),
        ({"kind": "hold", "surprise": True}, 400, "invalid_request"),
        ({"kind": "internal_error", "duration_ms": 5}, 422, "not_applicable"),
        ({"kind": "delay", "retry_after": 5}, 422, "not_applicable"),
        ({"kind": "delay", "match": {"channel": 987_654}}, 422, "unknown_channel"),
    ],
)
def test_a_fault_that_cannot_be_armed_is_a_4xx_problem(
    sandbox: Sandbox, body: dict[str, object], status: int, code: str
) -> None:
    problem(control(sandbox, "POST", "/faults", json=body), status, code)
    assert sandbox.faults() == []


@pytest.mark.requirement("CO-SBX-10")
@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("POST", "/faults", {"content": b"{", "headers": JSON}, 400, "malformed_json"),
        ("POST", "/faults", {"content": b'"\xff"', "headers": JSON}, 400, "malformed_json"),
        ("POST", "/faults", {"content": b"[" * 5000, "headers": JSON}, 400, "malformed_json"),
        ("POST", "/faults", {"content": b"kind=delay"}, 415, "unsupported_media_type"),
        ("POST", "/orders", {"json": {"number": "x" * 70_000}}, 413, "request_too_large"),
        ("GET", "/faults/abc", {}, 400, "invalid_request"),
        ("GET", "/faults/0", {}, 400, "invalid_request"),
        ("GET", "/faults/99999", {}, 404, "fault_not_found"),
        ("GET", "/events", {"params": {"limit": 0}}, 400, "invalid_request"),
        ("GET", "/events", {"params": {"since": "-1"}}, 400, "invalid_request"),
        ("GET", "/events", {"params": {"cursor": "3"}}, 400, "invalid_request"),
        ("GET", "/orders/SBX-1", {"params": {"channel": "one"}}, 400, "invalid_request"),
        ("GET", "/nothing-here", {}, 404, "not_found"),
        ("PUT", "/clock", {"json": {"now": "2030-01-01T00:00:00"}}, 400, "invalid_request"),
        ("PUT", "/clock", {"json": {"now": "1999-12-31T23:59:59Z"}}, 422, "clock_out_of_range"),
        ("PUT", "/clock", {"json": {"now": "2030-06-30T23:59:60Z"}}, 400, "invalid_request"),
        ("PUT", "/clock", {"json": {"now": "0001-01-01T00:00:00+23:59"}}, 422, "clock_out_of_range"),  # noqa: E501
        ("POST", "/clock/advance", {"json": {"seconds": 0}}, 400, "invalid_request"),
    ],
)  # fmt: skip
def test_bad_input_is_a_4xx_problem_never_a_5xx(
    sandbox: Sandbox, method: str, path: str, kwargs: dict[str, object], status: int, code: str
) -> None:
    problem(control(sandbox, method, path, **kwargs), status, code)


def test_an_unsupported_method_is_a_405_naming_the_allowed_ones(sandbox: Sandbox) -> None:
    refused = control(sandbox, "PATCH", "/faults")
    problem(refused, 405, "method_not_allowed")
    assert set(refused.headers["Allow"].split(", ")) >= {"GET", "POST", "DELETE"}


@pytest.mark.requirement("CO-SBX-02")
@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "not_authenticated"),
        ("Bearer not-the-admin-token", "authentication_failed"),
        ("Token not-the-admin-token", "authentication_failed"),
    ],
)
def test_a_wrong_admin_token_is_a_401_and_changes_nothing(
    sandbox: Sandbox, authorization: str | None, code: str
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    url = sandbox.base_url + "/_sandbox/faults"
    refused = httpx.post(url, json={"kind": "internal_error"}, headers=headers)
    problem(refused, 401, code)
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert sandbox.faults() == []
    # The capture token is not an admin token either.
    problem(httpx.get(url, headers={"Authorization": sandbox.token}), 401, "authentication_failed")


@pytest.mark.requirement("CO-SBX-07")
def test_the_clock_is_read_set_and_advanced_and_captures_follow_it(sandbox: Sandbox) -> None:
    assert abs(sandbox.clock().now - datetime.now(UTC)) < timedelta(seconds=5)
    target = datetime(2031, 5, 17, 9, 30, tzinfo=UTC)
    assert abs(sandbox.set_clock(target).now - target) < timedelta(seconds=2)
    advanced = sandbox.advance_clock(days=2)
    assert abs(advanced.now - (target + timedelta(days=2))) < timedelta(seconds=2)
    body = sandbox.capture(sandbox.create_order()).json()
    assert body["capture"]["captured_at"].startswith("2031-05-19T")
    sandbox.set_clock(datetime(2995, 1, 1, tzinfo=UTC))
    too_far = control(sandbox, "POST", "/clock/advance", json={"seconds": 315_360_000})
    problem(too_far, 422, "clock_out_of_range")
    assert sandbox.clock().now.year == 2995


@pytest.mark.requirement("CO-SBX-07")
def test_a_key_past_its_retention_is_executed_anew(sandbox: Sandbox) -> None:
    order = sandbox.create_order(items=2)
    first = sandbox.capture(order, items=[order.pks[0]], key="k-week")
    assert first.status_code == 200
    sandbox.advance_clock(days=6, hours=23)
    kept = sandbox.capture(order, items=[order.pks[0]], key="k-week")
    assert kept.headers["Idempotent-Replayed"] == "true" and kept.content == first.content
    sandbox.advance_clock(hours=1, seconds=1)
    anew = sandbox.capture(order, items=[order.pks[0]], key="k-week")
    problem(anew, 409, "order_item_already_captured")
    assert "Idempotent-Replayed" not in anew.headers


@pytest.mark.requirement("CO-SBX-08")
def test_reset_is_back_to_the_seeded_state(sandbox: Sandbox) -> None:
    # The demo data's first order: serve --demo names it CO-DEMO-0000 (server.demo.DEMO_LABEL).
    seeded = f"CO-{DEMO_LABEL}-0000"
    assert sandbox.capture(seeded, key="k-seeded").status_code == 200
    created = sandbox.create_order()
    sandbox.arm("internal_error")
    sandbox.advance_clock(days=30)
    before = sandbox.events().cursor
    sandbox.reset()
    with pytest.raises(SandboxError) as gone:
        sandbox.order(created)
    assert gone.value.code == "order_not_found"
    assert sandbox.order(seeded).state == "capturable"
    assert sandbox.faults() == [] and abs(sandbox.clock().offset_seconds) < 1
    (only,) = sandbox.events().events
    assert only.type == "sandbox.reset" and only.id > before
    again = sandbox.capture(seeded, key="k-seeded")  # the kept answer is gone too
    assert again.status_code == 200 and "Idempotent-Replayed" not in again.headers


@pytest.mark.requirement("CO-SBX-09")
def test_every_control_action_is_an_event_newest_first(sandbox: Sandbox) -> None:
    start = sandbox.events().cursor
    order = sandbox.create_order()
    sandbox.cancel(order)
    sandbox.refund(order)
    fault = sandbox.arm("hold")
    sandbox.disarm(fault)
    sandbox.set_clock(datetime(2030, 1, 1, tzinfo=UTC))
    sandbox.advance_clock(seconds=5)
    page = sandbox.events(since=start)
    assert [e.type for e in page.events] == [
        "clock.advanced", "clock.set", "fault.disarmed", "fault.armed", "order.refunded",
        "order.cancelled", "order.created",
    ]  # fmt: skip
    assert page.cursor == page.events[0].id and not page.more
    ids = [e.id for e in page.events]
    assert ids == sorted(ids, reverse=True)
    first_two = sandbox.events(since=start, limit=2)
    assert [e.type for e in first_two.events] == ["order.cancelled", "order.created"]
    assert first_two.more
    rest = sandbox.events(since=first_two.cursor)
    assert len(rest.events) == 5 and not rest.more
    assert [e.type for e in sandbox.events(limit=1).events] == ["clock.advanced"]
    assert sandbox.events(since=page.cursor).events == ()

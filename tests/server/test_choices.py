"""The choices the contract makes (info.description), each on the live reference server."""

from __future__ import annotations

import json

import pytest

from tests.server.conftest import Deployment
from tests.server.test_http import key, problem

UNKNOWN_PK = 9_000_000_000_000_000_001


def _raw(live: Deployment, headers: list[tuple[str, str]], body: bytes) -> tuple[int, str | None]:
    response = live.client.post(live.url, content=body, headers=headers)
    code = response.json().get("code") if response.status_code != 200 else None
    return response.status_code, code


@pytest.mark.requirement("CO-AUTH-03")
@pytest.mark.parametrize("scheme", ["token", "TOKEN", "ToKeN"])
def test_the_scheme_is_matched_case_insensitively(live: Deployment, scheme: str) -> None:
    order = live.order(1)
    sent = live.post({"order": order.number}, token=f"{scheme} {live.a.key}")
    assert sent.status_code == 200, sent.text


@pytest.mark.requirement("CO-AUTH-03")
def test_several_spaces_may_separate_scheme_and_key(live: Deployment) -> None:
    assert live.post({"order": "T-none"}, token=f"Token   {live.a.key}").status_code == 404


@pytest.mark.requirement("CO-AUTH-01")
def test_a_tab_is_no_separator(live: Deployment) -> None:
    problem(
        live.post({"order": "T-none"}, token=f"Token\t{live.a.key}"), 401, "authentication_failed"
    )


@pytest.mark.requirement("CO-AUTH-01")
@pytest.mark.parametrize("second", ["same", "other channel", "garbage"])
def test_two_authorization_lines_are_refused(live: Deployment, second: str) -> None:
    order = live.order(1)
    other = {"same": live.a.authorization, "other channel": live.b.authorization}
    headers = [
        ("Content-Type", "application/json"),
        ("Authorization", live.a.authorization),
        ("Authorization", other.get(second, "Token nope")),
    ]
    body = json.dumps({"order": order.number}).encode()
    assert _raw(live, headers, body) == (401, "authentication_failed")
    assert live.post({"order": order.number}).status_code == 200  # nothing was captured


@pytest.mark.requirement("CO-REQ-07")
def test_two_idempotency_key_lines_are_refused_naming_the_header(live: Deployment) -> None:
    order = live.order(1)
    headers = [
        ("Content-Type", "application/json"),
        ("Authorization", live.a.authorization),
        ("Idempotency-Key", key()),
        ("Idempotency-Key", key()),
    ]
    response = live.client.post(live.url, json={"order": order.number}, headers=headers)
    assert problem(response, 400, "invalid_request")["errors"] == {
        "Idempotency-Key": ["Must be sent once."]
    }
    assert live.post({"order": order.number}).status_code == 200


@pytest.mark.requirement("CO-REQ-03")
@pytest.mark.parametrize(
    "body",
    [
        b'{"order": "T-none", "order": "T-other"}',
        b'{"order": "T-none", "order_items": [{"pk": 1, "pk": 2}]}',
        b'{"order": "T-none", "order_items": [{"pk": 1, "attributes": {"a": "x", "a": "y"}}]}',
    ],
)
def test_a_member_name_twice_is_malformed_json(live: Deployment, body: bytes) -> None:
    problem(live.post(content=body), 400, "malformed_json")


@pytest.mark.requirement("CO-REQ-03")
def test_an_escaped_lone_surrogate_is_malformed_json(live: Deployment) -> None:
    problem(live.post(content=b'{"order": "\\ud800"}'), 400, "malformed_json")


@pytest.mark.requirement("CO-REQ-09")
def test_32_levels_of_nesting_are_judged_by_the_schema(live: Deployment) -> None:
    deep: object = "x"
    for _ in range(29):
        deep = {"a": deep}
    body = {"order": "T-none", "order_items": [{"pk": 1, "attributes": deep}]}
    errors = problem(live.post(body), 400, "invalid_request")["errors"]
    assert list(errors) == ["order_items[0].attributes.a"]


@pytest.mark.requirement("CO-REQ-09", "CO-ERR-03")
def test_nesting_beyond_any_parser_limit_is_a_400(live: Deployment) -> None:
    response = live.post(content=b"[" * 20_000 + b"]" * 20_000)
    assert response.status_code == 400
    assert response.json()["code"] in ("malformed_json", "invalid_request")


@pytest.mark.requirement("CO-REQ-04")
@pytest.mark.parametrize("body", [[{"order": "T-none"}], "T-none", 12, None])
def test_an_error_of_the_whole_body_is_named_non_field_errors(
    live: Deployment, body: object
) -> None:
    errors = problem(live.post(content=json.dumps(body).encode()), 400, "invalid_request")["errors"]
    assert list(errors) == ["non_field_errors"]


@pytest.mark.requirement("CO-REQ-10")
@pytest.mark.parametrize("method", ["POST", "GET", "PUT"])
def test_the_path_without_its_slash_is_not_found_and_not_redirected(
    live: Deployment, method: str
) -> None:
    order = live.order(1)
    sent = live.client.request(
        method,
        live.url.rstrip("/"),
        json={"order": order.number},
        headers={"Authorization": live.a.authorization},
    )
    problem(sent, 404, "not_found")
    assert "location" not in sent.headers
    assert live.post({"order": order.number}).status_code == 200  # it was not executed


@pytest.mark.requirement("CO-CAP-10")
def test_order_numbers_are_matched_exactly(live: Deployment) -> None:
    order = live.order(1)
    for variant in (order.number.lower(), order.number.swapcase(), f" {order.number}"):
        problem(live.post({"order": variant}), 404, "order_not_found")
    assert live.post({"order": order.number}).status_code == 200


@pytest.mark.requirement("CO-CAP-06")
def test_a_refunded_order_with_a_cancel_status_is_cancelled(live: Deployment) -> None:
    from capture_order.server.seeding import create_order
    from tests.server.conftest import now

    refunded = create_order(
        live.store, live.a.id, f"T-r{key()}", 2, now(), status="600", cancel_status="cancelled"
    )
    problem(live.post({"order": refunded.number}), 409, "order_cancelled")


@pytest.mark.requirement("CO-IDEM-01", "CO-RSP-01")
def test_a_replayed_409_carries_the_replay_header(live: Deployment) -> None:
    order = live.order(1)
    assert live.post({"order": order.number}).status_code == 200
    headers = {"Idempotency-Key": key()}
    first = live.post({"order": order.number}, headers=headers)
    again = live.post({"order": order.number}, headers=headers)
    problem(again, 409, "order_already_captured")
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true" and again.content == first.content


@pytest.mark.requirement("CO-IDEM-02", "CO-IDEM-03")
def test_another_body_under_a_key_in_flight_is_422_not_409(live: Deployment) -> None:
    from datetime import timedelta

    from capture_order.server.capture_service import fingerprint
    from tests.server.conftest import now

    order = live.order(2)
    running = {"order": order.number}
    headers = {"Idempotency-Key": key()}
    live.store.write(
        lambda tx: tx.claim_key(
            live.a.id, headers["Idempotency-Key"], fingerprint(running), now(), timedelta(days=7)
        )
    )
    other = {"order": order.number, "order_items": [{"pk": order.items[0]}]}
    problem(live.post(other, headers=headers), 422, "idempotency_key_reused")
    problem(live.post(running, headers=headers), 409, "idempotency_request_in_progress")
    live.store.write(lambda tx: tx.release_key(live.a.id, headers["Idempotency-Key"]))

"""End to end over real HTTP: uvicorn on a loopback port, SQLite file, responses validated."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from capture_order.server.capture_service import fingerprint
from capture_order.server.store import StoredKeyState
from tests.server.conftest import Deployment, now

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert a problem+json answer with this status and code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS and body["status"] == status and body["code"] == code
    assert body["type"] == "/problems/" + code.replace("_", "-")
    return body


def key() -> str:
    return secrets.token_hex(8)


@pytest.mark.requirement("CO-CAP-01", "CO-CAP-08", "CO-CAP-09", "CO-RSP-02", "CO-MON-01")
def test_full_capture_answers_the_order_with_what_was_captured(live: Deployment) -> None:
    order = live.order(3)
    response = live.post({"order": order.number})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["number"] == order.number and body["status"] == "450"
    assert body["capture_state"] == "fully_captured"
    assert body["captured_items"] == order.items
    assert body["captured_amount"] == body["amount"] == 620.5
    assert [i["pk"] for i in body["capture"]["items"]] == order.items
    assert body["capture"]["amount"] == 620.5


@pytest.mark.requirement("CO-MON-03")
def test_amounts_are_exact_decimal_literals(live: Deployment) -> None:
    order = live.order(3)
    text = live.post({"order": order.number, "order_items": [{"pk": order.items[0]}]}).text
    assert '"captured_amount":100.1,' in text and '"amount":620.5,' in text
    parsed = json.loads(text, parse_float=Decimal)
    assert parsed["capture"]["amount"] == Decimal("100.1")


@pytest.mark.requirement("CO-CAP-02", "CO-CAP-07", "CO-CAP-08", "CO-MON-01")
def test_partial_captures_then_the_rest(live: Deployment) -> None:
    order = live.order(3)
    first, second, third = order.items
    body = live.post(
        {"order": order.number, "order_items": [{"pk": second, "attributes": {"gift_wrap": True}}]}
    ).json()
    assert body["capture_state"] == "partially_captured"
    assert body["captured_items"] == [second] and body["captured_amount"] == 200.2
    assert body["capture"]["items"] == [
        {"pk": second, "amount": 200.2, "attributes": {"gift_wrap": True}}
    ]
    rest = live.post({"order": order.number}).json()
    assert rest["captured_items"] == [first, second, third]
    assert rest["capture"]["amount"] == 420.3  # 100.1 + 300.3 + 19.9 of shipping
    assert rest["captured_amount"] == rest["amount"]


@pytest.mark.requirement("CO-CAP-05", "CO-MON-02")
def test_second_capture_is_rejected(live: Deployment) -> None:
    order = live.order(2)
    assert live.post({"order": order.number}).status_code == 200
    problem(live.post({"order": order.number}), 409, "order_already_captured")


@pytest.mark.requirement("CO-CAP-04", "CO-MON-02", "CO-ERR-06")
def test_already_captured_item_captures_nothing(live: Deployment) -> None:
    order = live.order(3)
    first, second, _ = order.items
    assert live.post({"order": order.number, "order_items": [{"pk": first}]}).status_code == 200
    body = problem(
        live.post({"order": order.number, "order_items": [{"pk": second}, {"pk": first}]}),
        409,
        "order_item_already_captured",
    )
    assert body["errors"] == {"order_items[1].pk": ["Already captured."]}
    assert live.post({"order": order.number, "order_items": [{"pk": second}]}).status_code == 200


@pytest.mark.requirement("CO-CAP-03", "CO-ERR-06")
def test_unknown_item_captures_nothing(live: Deployment) -> None:
    order = live.order(2)
    response = live.post(
        {"order": order.number, "order_items": [{"pk": order.items[0]}, {"pk": 10**12}]}
    )
    body = problem(response, 422, "order_item_not_found")
    assert body["errors"] == {"order_items[1].pk": ["Not an item of this order."]}
    assert live.post({"order": order.number}).json()["captured_items"] == order.items


@pytest.mark.requirement("CO-REQ-06", "CO-ERR-06")
def test_duplicate_pks_are_422(live: Deployment) -> None:
    order = live.order(2)
    pk = order.items[0]
    body = problem(
        live.post({"order": order.number, "order_items": [{"pk": pk}, {"pk": pk}]}),
        422,
        "duplicate_order_item",
    )
    assert body["errors"] == {"order_items[1].pk": ["Duplicate of order_items[0]."]}


@pytest.mark.requirement("CO-CAP-06")
@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("100", "order_cancelled"),
        ("50", "order_cancelled"),
        ("600", "order_refunded"),
        ("300", "order_not_capturable"),
    ],
)
def test_uncapturable_orders_are_409(live: Deployment, status: str, code: str) -> None:
    order = live.order(2, status=status)
    problem(live.post({"order": order.number}), 409, code)


@pytest.mark.requirement("CO-OLA-01", "CO-OLA-02")
def test_foreign_order_is_not_found_exactly_like_an_unknown_one(live: Deployment) -> None:
    foreign = live.order(2, channel=live.b)
    as_foreign = live.post({"order": foreign.number})
    unknown = live.post({"order": foreign.number + "-nope"})
    assert as_foreign.status_code == unknown.status_code == 404
    assert as_foreign.headers["content-type"] == unknown.headers["content-type"]
    assert as_foreign.json() == unknown.json()
    problem(as_foreign, 404, "order_not_found")
    # ... and it was not captured: its own channel still can.
    assert live.post({"order": foreign.number}, token="b").status_code == 200


@pytest.mark.requirement("CO-AUTH-01", "CO-AUTH-02")
@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "not_authenticated"),
        ("", "not_authenticated"),
        ("Token", "authentication_failed"),
        ("Bearer abc", "authentication_failed"),
        ("Token unknown-key", "authentication_failed"),
        ("Token a b", "authentication_failed"),
        ("garbage", "authentication_failed"),
    ],
)
def test_bad_tokens_are_401_with_the_scheme(
    live: Deployment, authorization: str | None, code: str
) -> None:
    order = live.order(1)
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = live.client.post(live.url, json={"order": order.number}, headers=headers)
    problem(response, 401, code)
    assert response.headers["www-authenticate"] == "Token"
    assert live.post({"order": order.number}).status_code == 200  # nothing was captured


@pytest.mark.requirement("CO-ERR-02")
def test_no_response_or_log_line_carries_the_token(live: Deployment) -> None:
    secret = "Token " + secrets.token_hex(20)
    response = live.post({"order": "x"}, token=secret)
    assert secret.split()[1] not in response.text
    assert live.a.key not in live.post({"order": "CO-none"}).text
    assert live.a.key not in live.server.output() and secret.split()[1] not in live.server.output()


@pytest.mark.requirement("CO-IDEM-01")
def test_retry_with_the_same_key_is_replayed(live: Deployment) -> None:
    order = live.order(2)
    headers = {"Idempotency-Key": key()}
    first = live.post({"order": order.number}, headers=headers)
    again = live.post({"order": order.number}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.content == first.content


@pytest.mark.requirement("CO-IDEM-01")
def test_the_same_json_value_in_another_layout_is_replayed(live: Deployment) -> None:
    order = live.order(2)
    headers = {"Idempotency-Key": key()}
    body = {"order": order.number, "order_items": [{"pk": order.items[0], "attributes": {}}]}
    first = live.post(body, headers=headers)
    pk, number = order.items[0], order.number
    reordered = (
        f'{{ "order_items" : [ {{ "attributes": {{}}, "pk": {pk} }} ],\n "order": "{number}" }}'
    )
    reordered_bytes = reordered.encode()
    again = live.post(content=reordered_bytes, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content


@pytest.mark.requirement("CO-IDEM-01")
def test_refusals_are_replayed_too(live: Deployment) -> None:
    headers = {"Idempotency-Key": key()}
    first = live.post({"order": "T-missing"}, headers=headers)
    again = live.post({"order": "T-missing"}, headers=headers)
    assert first.status_code == again.status_code == 404
    assert again.headers["idempotent-replayed"] == "true"


@pytest.mark.requirement("CO-IDEM-02")
def test_same_key_another_body_is_422(live: Deployment) -> None:
    order = live.order(2)
    headers = {"Idempotency-Key": key()}
    assert (
        live.post(
            {"order": order.number, "order_items": [{"pk": order.items[0]}]}, headers=headers
        ).status_code
        == 200
    )
    problem(live.post({"order": order.number}, headers=headers), 422, "idempotency_key_reused")
    assert live.post({"order": order.number}).json()["captured_items"] == order.items


@pytest.mark.requirement("CO-IDEM-05")
def test_keys_are_scoped_per_channel(live: Deployment) -> None:
    headers = {"Idempotency-Key": key()}
    own = live.order(1)
    foreign = live.order(1, channel=live.b)
    assert live.post({"order": own.number}, headers=headers).status_code == 200
    other = live.post({"order": foreign.number}, headers=headers, token="b")
    assert other.status_code == 200 and "idempotent-replayed" not in other.headers
    assert other.json()["number"] == foreign.number


@pytest.mark.requirement("CO-IDEM-06")
@pytest.mark.parametrize(
    ("sent", "status"),
    [
        ({"content": b"{not json"}, 400),
        ({"body": {"order": "x", "extra": 1}}, 400),
        ({"body": {"order": "x"}, "token": "Token nope"}, 401),
        ({"body": {"order": "x"}, "headers": {"Content-Type": "text/plain"}}, 415),
        ({"content": b'{"order": "' + b"a" * 70_000 + b'"}'}, 413),
    ],
)
def test_rejected_requests_are_not_stored(
    live: Deployment, sent: dict[str, Any], status: int
) -> None:
    order = live.order(1)
    headers = {"Idempotency-Key": key(), **sent.pop("headers", {})}
    assert live.post(sent.pop("body", None), headers=headers, **sent).status_code == status
    later = live.post(
        {"order": order.number}, headers={"Idempotency-Key": headers["Idempotency-Key"]}
    )
    assert later.status_code == 200 and "idempotent-replayed" not in later.headers


@pytest.mark.requirement("CO-IDEM-03")
def test_same_key_in_flight_is_409_with_retry_after(live: Deployment) -> None:
    order = live.order(1)
    body = {"order": order.number}
    headers = {"Idempotency-Key": key()}
    # A first request with this key is running (claimed, not completed), as it
    # would be in another worker process between its claim and its commit.
    claimed = live.store.write(
        lambda tx: tx.claim_key(
            live.a.id, headers["Idempotency-Key"], fingerprint(body), now(), timedelta(days=7)
        )
    )
    assert claimed is StoredKeyState.STARTED
    in_flight = live.post(body, headers=headers)
    problem(in_flight, 409, "idempotency_request_in_progress")
    assert int(in_flight.headers["retry-after"]) >= 0
    assert live.store.order(live.a.id, order.number).captured_pks == ()  # type: ignore[union-attr]
    live.store.write(lambda tx: tx.release_key(live.a.id, headers["Idempotency-Key"]))
    assert live.post(body, headers=headers).status_code == 200

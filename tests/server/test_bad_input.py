"""Bad input of every kind gets its documented 4xx problem, never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from capture_order.contract.facts import request_limits
from tests.server.conftest import Deployment
from tests.server.test_http import problem

TOO_BIG = b'{"order": "' + b"a" * request_limits().body_bytes + b'"}'

# (name, raw body or JSON, extra headers, status, code, expected `errors` keys or None)
CASES: list[tuple[str, Any, dict[str, str], int, str, set[str] | None]] = [
    ("not json", b"{order: 1}", {}, 400, "malformed_json", None),
    ("truncated json", b'{"order": "x"', {}, 400, "malformed_json", None),
    ("empty body", b"", {}, 400, "malformed_json", None),
    ("not utf-8", b'{"order": "\xff\xfe"}', {}, 400, "malformed_json", None),
    ("NaN", b'{"order": "x", "order_items": [{"pk": NaN}]}', {}, 400, "malformed_json", None),
    ("lone surrogate", b'{"order": "\\ud800"}', {}, 400, "malformed_json", None),
    (
        "huge integer",
        b'{"order": "x", "order_items": [{"pk": 1' + b"0" * 5000 + b"}]}",
        {},
        400,
        "malformed_json",
        None,
    ),
    ("deep nesting", b"[" * 20_000 + b"]" * 20_000, {}, 400, "malformed_json", None),
    (
        "deep nesting in a field",
        b'{"order": "x", "z": ' + b"[" * 900 + b"]" * 900 + b"}",
        {},
        400,
        "invalid_request",
        {"z"},
    ),
    ("json null", b"null", {}, 400, "invalid_request", {"non_field_errors"}),
    ("json array", b"[]", {}, 400, "invalid_request", {"non_field_errors"}),
    ("missing order", {}, {}, 400, "invalid_request", {"order"}),
    ("empty order", {"order": ""}, {}, 400, "invalid_request", {"order"}),
    ("order not a string", {"order": 12}, {}, 400, "invalid_request", {"order"}),
    ("129-character order", {"order": "a" * 129}, {}, 400, "invalid_request", {"order"}),
    ("control character in order", {"order": "a\nb"}, {}, 400, "invalid_request", {"order"}),
    (
        "unknown field",
        {"order": "x", "order_item": [{"pk": 1}]},
        {},
        400,
        "invalid_request",
        {"order_item"},
    ),
    (
        "unknown item field",
        {"order": "x", "order_items": [{"pk": 1, "qty": 2}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].qty"},
    ),
    (
        "empty order_items",
        {"order": "x", "order_items": []},
        {},
        400,
        "invalid_request",
        {"order_items"},
    ),
    (
        "501 order_items",
        {"order": "x", "order_items": [{"pk": i + 1} for i in range(501)]},
        {},
        400,
        "invalid_request",
        {"order_items"},
    ),
    (
        "pk zero",
        {"order": "x", "order_items": [{"pk": 0}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].pk"},
    ),
    (
        "pk negative",
        {"order": "x", "order_items": [{"pk": -5}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].pk"},
    ),
    (
        "pk string",
        {"order": "x", "order_items": [{"pk": "1"}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].pk"},
    ),
    (
        "pk float",
        {"order": "x", "order_items": [{"pk": 1.5}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].pk"},
    ),
    (
        "pk boolean",
        {"order": "x", "order_items": [{"pk": True}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].pk"},
    ),
    (
        "pk above int64",
        {"order": "x", "order_items": [{"pk": 2**63}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].pk"},
    ),
    (
        "attribute value a number",
        {"order": "x", "order_items": [{"pk": 1, "attributes": {"a": 1}}]},
        {},
        400,
        "invalid_request",
        {"order_items[0].attributes.a"},
    ),
    (
        "duplicate pks",
        {"order": "x", "order_items": [{"pk": 1}, {"pk": 1}]},
        {},
        422,
        "duplicate_order_item",
        {"order_items[1].pk"},
    ),
    ("unicode order number", {"order": "sipariş-№-🧾"}, {}, 404, "order_not_found", None),
    ("128-character order", {"order": "a" * 128}, {}, 404, "order_not_found", None),
    (
        "empty idempotency key",
        {"order": "x"},
        {"Idempotency-Key": ""},
        400,
        "invalid_request",
        {"Idempotency-Key"},
    ),
    (
        "256-character idempotency key",
        {"order": "x"},
        {"Idempotency-Key": "k" * 256},
        400,
        "invalid_request",
        {"Idempotency-Key"},
    ),
    (
        "non-ASCII idempotency key",
        {"order": "x"},
        {"Idempotency-Key": "kä"},
        400,
        "invalid_request",
        {"Idempotency-Key"},
    ),
    ("query parameter", {"order": "x"}, {"X-Query": "debug=1"}, 400, "invalid_request", {"debug"}),
    (
        "text/plain",
        b'{"order": "x"}',
        {"Content-Type": "text/plain"},
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "form",
        b"order=x",
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "no content type",
        b'{"order": "x"}',
        {"Content-Type": ""},
        415,
        "unsupported_media_type",
        None,
    ),
    ("over the body limit", TOO_BIG, {}, 413, "request_too_large", None),
]


def send(live: Deployment, body: Any, headers: dict[str, str]) -> httpx.Response:
    sent = {"Content-Type": "application/json", "Authorization": live.a.authorization}
    sent.update(headers)
    url = live.url
    query = sent.pop("X-Query", None)
    if query:
        url += "?" + query
    if sent["Content-Type"] == "":
        del sent["Content-Type"]
    # Non-ASCII header values go out as their raw UTF-8 bytes.
    raw = [(k.encode(), v.encode()) for k, v in sent.items()]
    if isinstance(body, bytes):
        return live.client.post(url, content=body, headers=raw)
    return live.client.post(url, json=body, headers=raw)


@pytest.mark.requirement(
    "CO-REQ-01",
    "CO-REQ-02",
    "CO-REQ-03",
    "CO-REQ-04",
    "CO-REQ-05",
    "CO-REQ-06",
    "CO-REQ-07",
    "CO-ERR-01",
    "CO-ERR-03",
    "CO-ERR-04",
    "CO-RSP-01",
)
@pytest.mark.parametrize(
    ("name", "body", "headers", "status", "code", "fields"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_gets_its_documented_problem(
    live: Deployment,
    name: str,
    body: Any,
    headers: dict[str, str],
    status: int,
    code: str,
    fields: set[str] | None,
) -> None:
    response = send(live, body, headers)
    document = problem(response, status, code)
    if fields is not None:
        assert set(document.get("errors", {})) == fields, document
    assert "Traceback" not in response.text and 'File "' not in response.text


def _chunks() -> Iterator[bytes]:
    for _ in range(20):
        yield b" " * 4096
    yield b'{"order": "x"}'


@pytest.mark.requirement("CO-REQ-02")
def test_chunked_body_over_the_limit_is_413(live: Deployment) -> None:
    headers = {"Content-Type": "application/json", "Authorization": live.a.authorization}
    response = live.client.post(live.url, content=_chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    problem(response, 413, "request_too_large")


@pytest.mark.requirement("CO-REQ-02")
def test_chunked_body_under_the_limit_is_read(live: Deployment) -> None:
    order = live.order(1)
    headers = {"Content-Type": "application/json", "Authorization": live.a.authorization}
    body = f'{{"order": "{order.number}"}}'.encode()
    response = live.client.post(live.url, content=iter([body[:5], body[5:]]), headers=headers)
    assert response.status_code == 200


@pytest.mark.requirement("CO-REQ-08")
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_405_with_allow(live: Deployment, method: str) -> None:
    response = live.client.request(
        method, live.url, headers={"Authorization": live.a.authorization}
    )
    problem(response, 405, "method_not_allowed")
    assert "POST" in response.headers["allow"]


def test_unknown_path_is_a_404_problem(live: Deployment) -> None:
    response = live.client.post(live.server.base_url + "/api/v1/nothing/", json={})
    problem(response, 404, "not_found")


def test_swagger_ui_is_served_offline(live: Deployment) -> None:
    page = live.client.get(live.server.base_url + "/api/v1/ui/")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "://" not in "".join(line for line in page.text.splitlines() if "<script src" in line)
    spec = live.client.get(live.server.base_url + "/api/v1/openapi.json")
    assert spec.json()["paths"]["/capture-order/"]["post"]["operationId"] == "captureOrder"

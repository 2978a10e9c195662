"""Rules over traffic for the settled request cases: each answer judged against its request."""

from __future__ import annotations

import json
from typing import Any

from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from tests.traffic.samples import TOKEN, URL

PROBLEM = "application/problem+json"


def _exchange(
    body: bytes,
    status: int,
    answer: dict[str, Any],
    *,
    content_type: str | None = "application/json",
) -> Exchange:
    headers = [("Authorization", TOKEN)]
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    return Exchange(
        method="POST",
        url=URL,
        request_headers=tuple(headers),
        request_body=body,
        status=status,
        response_headers=(("Content-Type", "application/json" if status == 200 else PROBLEM),),
        response_body=json.dumps(answer).encode(),
        elapsed_ms=1.0,
        source="test",
    )


def _problem(status: int, code: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": code,
        "status": status,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def _verdict(*exchanges: Exchange) -> dict[str, str]:
    report = judge_exchanges(exchanges, Settings(base_url="test"))
    return {r.requirement.id: r.status.value for r in report.requirements}


NOT_FOUND = _problem(404, "order_not_found")


def test_a_body_without_content_type_must_be_415() -> None:
    sent = b'{"order": "CO-1"}'
    assert _verdict(_exchange(sent, 404, NOT_FOUND, content_type=None))["CO-REQ-01"] == "FAIL"
    refused = _problem(415, "unsupported_media_type")
    assert _verdict(_exchange(sent, 415, refused, content_type=None))["CO-REQ-01"] == "PASS"


def test_an_empty_json_body_must_be_malformed_json() -> None:
    schema_error = _problem(400, "invalid_request", {"order": ["This field is required."]})
    assert _verdict(_exchange(b"", 400, schema_error))["CO-REQ-03"] == "FAIL"
    malformed = _problem(400, "malformed_json")
    assert _verdict(_exchange(b"", 400, malformed))["CO-REQ-03"] == "PASS"


def test_nesting_within_32_levels_is_not_refused_by_the_parser() -> None:
    nested = (
        b'{"order": "CO-1", "order_items": [{"pk": 1, "attributes": '
        + (b'{"a": ' * 18 + b"1" + b"}" * 18)
        + b"}]}"
    )
    malformed = _problem(400, "malformed_json")
    assert _verdict(_exchange(nested, 400, malformed))["CO-REQ-09"] == "FAIL"


def test_deep_nesting_answered_5xx_breaks_the_nesting_rule() -> None:
    deep = b'{"order": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    crash = _exchange(deep, 500, {"detail": "boom"})
    assert _verdict(crash)["CO-REQ-09"] == "FAIL"


def test_an_error_of_the_whole_body_is_named_non_field_errors() -> None:
    wrong = _problem(400, "invalid_request", {"body": ["Expected an object."]})
    assert _verdict(_exchange(b"[]", 400, wrong))["CO-REQ-04"] == "FAIL"
    right = _problem(400, "invalid_request", {"non_field_errors": ["Expected an object."]})
    assert _verdict(_exchange(b"[]", 400, right))["CO-REQ-04"] == "PASS"

"""The cases clause coverage added, judged from exchanges: a cancelled status listed by the rule,
and the path judged before the method."""

from __future__ import annotations

import json
from typing import Any

from capture_order.conformance.fixtures import UncapturableOrder
from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from tests.traffic.samples import TOKEN, URL

PROBLEM = "application/problem+json"
SLASHLESS = URL.rstrip("/")


def _exchange(method: str, url: str, body: bytes, status: int, answer: dict[str, Any]) -> Exchange:
    headers = [("Authorization", TOKEN)]
    if body:
        headers.append(("Content-Type", "application/json"))
    response = [("Content-Type", PROBLEM)]
    if status == 405:
        response.append(("Allow", "POST"))
    return Exchange(
        method=method,
        url=url,
        request_headers=tuple(headers),
        request_body=body,
        status=status,
        response_headers=tuple(response),
        response_body=json.dumps(answer).encode(),
        elapsed_ms=1.0,
        source="test",
    )


def _problem(status: int, code: str) -> dict[str, Any]:
    return {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": code,
        "status": status,
        "detail": code,
        "code": code,
    }


def _cases(settings: Settings, *exchanges: Exchange) -> dict[str, str]:
    """Each case's outcome, and each requirement's verdict under its bare ID."""
    report = judge_exchanges(exchanges, settings)
    found = {c.ref: c.status.value for r in report.requirements for c in r.cases}
    return found | {r.requirement.id: r.status.value for r in report.requirements}


def _capture_of(number: str, status: int, code: str) -> Exchange:
    body = json.dumps({"order": number}).encode()
    return _exchange("POST", URL, body, status, _problem(status, code))


def _settings(*orders: UncapturableOrder) -> Settings:
    return Settings(base_url="test", token=TOKEN, uncapturable_orders=orders)


def test_an_order_in_status_50_answered_cancelled_passes_its_own_case() -> None:
    order = UncapturableOrder("CO-ŞİĞ-X50", "order_cancelled", status="50")
    cases = _cases(_settings(order), _capture_of(order.number, 409, "order_cancelled"))
    assert cases["CO-CAP-06/cancelled-50"] == "PASS"
    assert cases["CO-CAP-06/cancelled-100"] == "SKIP"


def test_an_order_in_status_100_answered_not_capturable_fails_its_status_case() -> None:
    order = UncapturableOrder("CO-X100", "order_cancelled", status="100")
    cases = _cases(_settings(order), _capture_of(order.number, 409, "order_not_capturable"))
    assert cases["CO-CAP-06/cancelled-100"] == "FAIL"
    assert cases["CO-CAP-06/cancelled"] == "FAIL"


def test_get_to_the_path_without_its_slash_answered_404_passes_the_pair() -> None:
    answered = _exchange("GET", SLASHLESS, b"", 404, _problem(404, "not_found"))
    cases = _cases(_settings(), answered)
    assert cases["CO-ERR-05/path-before-method"] == "PASS"
    assert cases["CO-REQ-10/no-slash-is-not-found"] == "PASS"


def test_get_to_the_path_without_its_slash_answered_405_breaks_the_path_rule() -> None:
    answered = _exchange("GET", SLASHLESS, b"", 405, _problem(405, "method_not_allowed"))
    cases = _cases(_settings(), answered)
    assert cases["CO-REQ-10/no-slash-is-not-found"] == "FAIL"
    assert cases["CO-ERR-05/path-before-method"] == "FAIL"
    assert (cases["CO-REQ-10"], cases["CO-ERR-05"]) == ("FAIL", "WARN")  # a MUST, a SHOULD

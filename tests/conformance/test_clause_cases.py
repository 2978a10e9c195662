"""The cases clause coverage added, judged from exchanges: a cancelled status listed by the rule,
the path judged before the method, the cumulative `captured_amount`."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from capture_order.conformance.fixtures import FixtureOrder, UncapturableOrder
from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from tests.traffic.samples import TOKEN, URL, example

PROBLEM = "application/problem+json"
SLASHLESS = URL.rstrip("/")
THREE = "CO-MON-03/three-digit-currencies"


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


def _partial_capture(captured_amount: int) -> Exchange:
    answer = example("OrderPartiallyCaptured") | {"captured_amount": captured_amount}
    body = json.dumps({"order": answer["number"], "order_items": [{"pk": 101}, {"pk": 102}]})
    exchange = _exchange("POST", URL, body.encode(), 200, answer)
    return replace(exchange, response_headers=(("Content-Type", "application/json"),))


def _order_of_three_items() -> Settings:
    amounts = {101: Decimal(400), 102: Decimal(300), 103: Decimal(250)}  # and 50 of shipping
    order = FixtureOrder(
        "CO-000001", (101, 102, 103), "450", "try", Decimal(1000), item_amounts=amounts
    )
    return Settings(base_url="test", token=TOKEN, orders=(order,))


def test_captured_amount_of_the_items_captured_so_far_passes() -> None:
    cases = _cases(_order_of_three_items(), _partial_capture(700))
    assert cases["CO-CAP-08/cumulative-amount"] == "PASS"


def test_captured_amount_with_the_shipping_before_the_final_capture_fails() -> None:
    cases = _cases(_order_of_three_items(), _partial_capture(750))
    assert cases["CO-CAP-08/cumulative-amount"] == "FAIL"


def test_an_order_in_a_three_digit_currency_tries_that_clause_and_others_do_not() -> None:
    def capture_in(currency: str, shipping: str) -> Exchange:
        answer = example("OrderPartiallyCaptured") | {"currency": currency}
        answer["shipping_amount"] = Decimal(shipping)
        exchange = _partial_capture(700)
        text = json.dumps(answer, default=str).replace(f'"{shipping}"', shipping)
        return replace(exchange, response_body=text.encode())

    settings = Settings(base_url="test", token=TOKEN)
    assert _cases(settings, capture_in("try", "1.25"))[THREE] == "SKIP"
    assert _cases(settings, capture_in("kwd", "1.125"))[THREE] == "PASS"
    assert _cases(settings, capture_in("kwd", "1.1255"))[THREE] == "FAIL"

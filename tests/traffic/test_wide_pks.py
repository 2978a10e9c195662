"""Item pks of any size: an order whose pks cross a digit count is judged by value, not as text."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from capture_order.conformance.verdict import Status
from tests.traffic.samples import TOKEN, URL, example

INT64_MAX = 2**63 - 1


def _answer(number: str, pks: list[int], now: list[int], before: list[int]) -> dict[str, Any]:
    """A correct 200 of an order of `pks` (100 each) that captured `now` after `before`."""
    order = copy.deepcopy(example("OrderFullyCaptured"))
    order["number"] = number
    total = sorted(before + now)
    order["amount"] = 100 * len(pks)
    order["captured_amount"] = 100 * len(total)
    order["captured_items"] = total
    order["capture_state"] = "fully_captured" if len(total) == len(pks) else "partially_captured"
    order["capture"]["items"] = [{"pk": pk, "amount": 100, "attributes": {}} for pk in sorted(now)]
    order["capture"]["amount"] = 100 * len(now)
    for name in ("shipping_amount", "discount_amount"):
        order[name] = 0
    return order


def _capture(number: str, listed: list[int] | None, answer: dict[str, Any]) -> Exchange:
    request: dict[str, Any] = {"order": number}
    if listed is not None:
        request["order_items"] = [{"pk": pk} for pk in listed]
    return Exchange(
        method="POST",
        url=URL,
        request_headers=(("Authorization", TOKEN), ("Content-Type", "application/json")),
        request_body=json.dumps(request).encode(),
        status=200,
        response_headers=(("Content-Type", "application/json"),),
        response_body=json.dumps(answer, default=str).encode(),
        elapsed_ms=1.0,
        source="test",
    )


@pytest.mark.parametrize(
    "pks",
    [[998, 999, 1000, 1001], [9, 10, 99, 100], [1, 2**53, 2**53 + 1, INT64_MAX]],
    ids=["three-to-four-digits", "one-to-three-digits", "past-2**53-to-int64-max"],
)
def test_a_correct_order_with_pks_crossing_a_digit_count_is_judged_clean(pks: list[int]) -> None:
    number = "CO-ŞİĞ-000001"
    listed = [pks[-1], pks[0]]  # listed out of order: the answer lists them ascending
    rest = [pk for pk in pks if pk not in listed]
    first = _capture(number, listed, _answer(number, pks, listed, []))
    second = _capture(number, None, _answer(number, pks, rest, listed))
    report = judge_exchanges([first, second], Settings(base_url="test"))
    failed = {
        r.name: [f.message() for f in r.findings] for r in report.results if r.status == Status.FAIL
    }
    assert failed == {}
    verdicts = {r.name: r.status for r in report.results}
    assert verdicts["captures_report_what_they_did"] == Status.PASS
    assert Decimal(json.loads(second.response_body)["captured_amount"]) == 100 * len(pks)


def test_an_answer_listing_pks_in_text_order_is_a_finding() -> None:
    pks = [998, 999, 1000]
    answer = _answer("CO-1", pks, pks, [])
    answer["capture"]["items"].sort(key=lambda item: str(item["pk"]))  # 1000, 998, 999
    report = judge_exchanges([_capture("CO-1", None, answer)], Settings(base_url="test"))
    titles = [
        f.title
        for r in report.results
        if r.name == "captures_report_what_they_did" and r.status == Status.FAIL
        for f in r.findings
    ]
    assert any("pk order" in title for title in titles)

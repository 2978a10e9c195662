"""A 200 with odd values where the Order has lists (capture.items, a pk) is judged, not crashed on:
the sweeps report the schema violation and every rule still gives its verdict."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from conformance.http import Exchange
from conformance.settings import Settings
from conformance.traffic.run import judge_exchanges
from conformance.verdict import Status
from tests.traffic.samples import TOKEN, URL, example


def _capture(answer: dict[str, Any]) -> Exchange:
    return Exchange(
        method="POST",
        url=URL,
        request_headers=(("Authorization", TOKEN), ("Content-Type", "application/json")),
        request_body=json.dumps({"order": answer["number"]}).encode(),
        status=200,
        response_headers=(("Content-Type", "application/json"),),
        response_body=json.dumps(answer).encode(),
        elapsed_ms=1.0,
        source="test",
    )


def _odd(change: str) -> dict[str, Any]:
    order = copy.deepcopy(example("OrderFullyCaptured"))
    if change == "items a number":
        order["capture"]["items"] = 5
    elif change == "capture a number":
        order["capture"] = 5
    elif change == "a pk an array":
        order["capture"]["items"][0]["pk"] = [1]
    elif change == "a pk an object":
        order["capture"]["items"][0]["pk"] = {"pk": 1}
    return order


@pytest.mark.parametrize(
    "change", ["items a number", "capture a number", "a pk an array", "a pk an object"]
)
def test_a_200_with_an_odd_value_where_a_list_belongs_is_judged(change: str) -> None:
    odd = _capture(_odd(change))
    # The same answer again makes a second capture of the order: the sequence rules read it too.
    report = judge_exchanges([odd, odd], Settings(base_url="test"))
    verdicts = {r.name: r.status for r in report.results}
    assert verdicts["success_bodies_are_orders"] == Status.FAIL
    assert "captures_report_what_they_did" in verdicts
    assert "orders_are_captured_once" in verdicts

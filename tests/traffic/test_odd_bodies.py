"""A 200 with odd values where the Order has lists (capture.items, a pk) is judged, not crashed on:
the sweeps report the schema violation and every rule still gives its verdict."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from capture_order.conformance.verdict import Status
from tests.traffic.samples import TOKEN, URL, example


def _capture(answer: Any, number: str | None = None) -> Exchange:
    """A capture of the order `number` (the answer's own by default) answered 200 with `answer`."""
    return Exchange(
        method="POST",
        url=URL,
        request_headers=(("Authorization", TOKEN), ("Content-Type", "application/json")),
        request_body=json.dumps({"order": number or answer["number"]}).encode(),
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


ODD_VALUES: tuple[Any, ...] = (5, "x", [], [5], {}, None, True, 1.5, [{"pk": "a"}])


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*path, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copied = copy.deepcopy(value)
    parent = copied
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = new
    return copied


def test_no_odd_value_anywhere_in_a_200_crashes_the_judge() -> None:
    order = example("OrderFullyCaptured")
    crashed = []
    for path in _paths(order):
        for new in ODD_VALUES:
            odd = _capture(_replaced(order, path, new), order["number"])
            # A first capture, then the odd answer twice: the sequence rules read it too.
            try:
                judge_exchanges([_capture(order), odd, odd], Settings(base_url="test"))
            except Exception as exc:  # whatever it raises is the finding
                crashed.append(f"{'.'.join(map(str, path))} = {new!r}: {exc!r}")
    assert not crashed, crashed[:5]


@pytest.mark.parametrize("number", ["1e9999999", "-1e9999999", "1e-9999999", "1.5e999999999999"])
def test_amounts_past_any_exponent_are_judged_not_crashed_on(number: str) -> None:
    # Python's default decimal context raises Overflow on these; the judge reads them as they are.
    order = copy.deepcopy(example("OrderFullyCaptured"))
    for key in ("amount", "captured_amount", "shipping_amount"):
        order[key] = "NUMBER"
    order["capture"]["amount"] = "NUMBER"
    for item in order["capture"]["items"]:
        item["amount"] = "NUMBER"
    text = json.dumps(order).replace('"NUMBER"', number)
    odd = replace(_capture(order), response_body=text.encode())
    report = judge_exchanges([odd, odd], Settings(base_url="test"))
    verdicts = {r.requirement.id: r.status for r in report.requirements}
    # A second full capture of one order: whatever the amounts say, that much is found.
    assert verdicts["CO-CAP-05"] == Status.FAIL
    assert verdicts["CO-MON-01"] in (Status.PASS, Status.FAIL)

"""The server's tables agree with the spec: problem codes, nullable fields, requirement tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from capture_order.contract.catalogue import requirements
from capture_order.contract.spec import load_spec
from capture_order.server.problem_types import PROBLEM_TYPES
from capture_order.server.representation import NULLABLE_FIELDS, ORDER_FIELDS


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = load_spec()["components"]["schemas"]
    return schemas


@pytest.mark.requirement("CO-ERR-01", "CO-ERR-04")
def test_problem_table_has_exactly_the_specs_codes_per_status() -> None:
    in_spec: dict[str, int] = {}
    for name, schema in _schemas().items():
        if name.endswith("Problem") and "allOf" in schema:
            extra = schema["allOf"][1]["properties"]
            for code in extra["code"]["enum"]:
                in_spec[code] = extra["status"]["enum"][0]
    assert {code: p.status for code, p in PROBLEM_TYPES.items()} == in_spec


@pytest.mark.requirement("CO-RSP-02")
def test_order_fields_and_nullability_follow_the_spec() -> None:
    order = _schemas()["Order"]["properties"]
    additions = {name for name, prop in order.items() if prop.get("x-addition")}
    additions |= {"capture_state", "captured_amount", "capture"}
    assert set(ORDER_FIELDS) == set(order) - additions
    nullable = {
        name
        for name, prop in order.items()
        if prop.get("nullable")
        or _schemas().get(prop.get("$ref", "#//").split("/")[-1], {}).get("nullable")
    }
    assert nullable == NULLABLE_FIELDS


def test_every_requirement_has_a_test_that_names_it() -> None:
    named: set[str] = set()
    for source in Path(__file__).parent.glob("test_*.py"):
        for marker in re.findall(r"requirement\(([^)]*)\)", source.read_text()):
            named |= set(re.findall(r"CO-[A-Z]+-\d\d", marker))
    missing = [r.id for r in requirements() if r.id not in named]
    assert not missing, f"requirements without a server test: {missing}"

"""Every observable case of the spec is exercised by a check; checks name only real cases."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from capture_order.conformance.coverage import coverage_findings, covered_refs
from capture_order.conformance.registry import SCENARIOS
from capture_order.conformance.sweep import SWEEPS
from capture_order.contract.catalogue import requirements
from capture_order.contract.spec import load_spec


@pytest.fixture
def spec() -> dict[str, Any]:
    """A private copy of the contract that a test may change."""
    return copy.deepcopy(load_spec())


def test_every_observable_case_is_exercised_and_the_lint_says_so() -> None:
    missing = [c.ref for r in requirements() for c in r.cases if c.observable]
    missing = [ref for ref in missing if ref not in covered_refs()]
    assert missing == []
    assert coverage_findings(load_spec()) == []


def test_a_must_case_without_a_check_is_a_lint_error(spec: dict[str, Any]) -> None:
    spec["x-requirements"][0]["cases"].append({"id": "brand-new", "text": "Not checked yet."})
    findings = coverage_findings(spec)
    assert [(f.severity, f.message) for f in findings] == [
        ("error", "CO-AUTH-01/brand-new: no check exercises it")
    ]


def test_an_unobservable_case_needs_no_check(spec: dict[str, Any]) -> None:
    spec["x-requirements"][0]["cases"].append(
        {"id": "brand-new", "text": "x", "observable": False, "reason": "why"}
    )
    assert coverage_findings(spec) == []


def test_scenario_names_are_unique_and_every_scenario_names_cases() -> None:
    names = [entry.name for entry in SCENARIOS] + [s.name for s in SWEEPS]
    assert len(names) == len(set(names))
    assert all(entry.cases and all("/" in ref for ref in entry.cases) for entry in SCENARIOS)

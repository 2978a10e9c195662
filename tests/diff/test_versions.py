"""A breaking change without a new major info.version is a finding of its own (SemVer, 0.x)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from capture_order.contract.diff.diff_engine import diff
from capture_order.contract.diff.model import Report, Severity
from capture_order.contract.diff.versions import is_major_bump
from capture_order.contract.spec import load_spec
from tests.diff.corpus_catalogue import must_rule_added
from tests.diff.corpus_requests import pk_maximum_lowered, pk_minimum_lowered
from tests.diff.edits import Spec


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("1.4.0", "2.0.0", True),
        ("1.4.0", "2.0.0-rc.1", True),
        ("1.4.0", "1.5.0", False),
        ("1.4.0", "1.4.0", False),
        ("2.0.0", "1.9.0", False),
        ("0.2.0", "0.3.0", True),  # before 1.0.0 the minor version counts as the major one
        ("0.2.0", "1.0.0", True),
        ("0.2.0", "0.2.1", False),
        ("0.2.0", "0.2.0", False),
        ("1.0", "2.0", False),  # not SemVer: no bump can be shown
        (None, "2.0.0", False),
    ],
)
def test_a_major_bump_is_read_as_semver_with_0x_minor_as_major(
    old: str | None, new: str | None, bump: bool
) -> None:
    assert is_major_bump(old, new) is bump


def versioned(old_version: str, new_version: str, *edits: Callable[[Spec], None]) -> Report:
    old = copy.deepcopy(load_spec())
    old["info"]["version"] = old_version
    new = copy.deepcopy(old)
    new["info"]["version"] = new_version
    for edit in edits:
        edit(new)
    return diff(old, new)


def bump_findings(report: Report) -> list[str]:
    return [f.rule for f in report.findings if f.area == "version"]


def test_breaking_change_without_a_major_bump_is_a_breaking_finding_of_its_own() -> None:
    report = versioned("0.2.0", "0.2.0", pk_maximum_lowered)
    assert bump_findings(report) == [
        "breaking changes need a new major version: info.version 0.2.0 -> 0.2.0"
    ]
    [found] = [f for f in report.findings if f.area == "version"]
    assert found.severity is Severity.BREAKING_CLIENTS and found.affects == ("clients",)
    assert report.missing_version_bump


def test_a_minor_bump_before_1_0_is_a_major_one() -> None:
    report = versioned("0.2.0", "0.3.0", pk_maximum_lowered)
    assert report.breaking and not report.missing_version_bump


def test_a_minor_bump_after_1_0_is_not_enough() -> None:
    assert bump_findings(versioned("1.4.0", "1.5.0", pk_maximum_lowered)) == [
        "breaking changes need a new major version: info.version 1.4.0 -> 1.5.0"
    ]


def test_a_deployment_break_needs_a_bump_too_and_keeps_its_class() -> None:
    report = versioned("1.0.0", "1.0.1", must_rule_added)
    [found] = [f for f in report.findings if f.area == "version"]
    assert found.severity is Severity.BREAKING_DEPLOYMENTS and found.affects == ("deployments",)


def test_a_non_breaking_change_needs_no_bump() -> None:
    report = versioned("1.0.0", "1.0.0", pk_minimum_lowered)
    assert report.findings and not report.missing_version_bump


def test_a_version_that_is_not_semver_is_named() -> None:
    report = versioned("2024-11", "2024-12", pk_maximum_lowered)
    [found] = [f for f in report.findings if f.area == "version"]
    assert found.note == "not a SemVer version: 2024-11, 2024-12"

"""The labelled corpus: every edit classified as a reviewer would, every witness re-checked."""

from __future__ import annotations

import functools

import pytest

from capture_order.contract.diff.change_isolation import applied
from capture_order.contract.diff.diff_engine import diff
from capture_order.contract.diff.model import Report, Severity
from capture_order.contract.spec import load_spec
from tests.diff.corpus import CORPUS
from tests.diff.edits import Edit
from tests.diff.witness_check import accepted

SCHEMA_AREAS = frozenset({"request-body", "parameter", "response-body", "response-header"})


@functools.cache
def reported(name: str) -> tuple[Edit, Report]:
    edit = next(e for e in CORPUS if e.name == name)
    return edit, diff(load_spec(), edit.applied(load_spec()))


def test_corpus_covers_every_class_with_at_least_forty_edits() -> None:
    assert len(CORPUS) >= 40
    assert {edit.expected for edit in CORPUS} == set(Severity)
    assert len({edit.name for edit in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("name", [edit.name for edit in CORPUS])
def test_edit_is_classified_as_labelled(name: str) -> None:
    edit, report = reported(name)
    found = [(f.severity.value, f.where, f.rule) for f in report.findings]
    assert report.verdict is edit.expected, f"{edit.why}; reported {found}"


@pytest.mark.parametrize("name", [edit.name for edit in CORPUS])
def test_every_witness_is_accepted_by_one_version_and_rejected_by_the_other(name: str) -> None:
    edit, report = reported(name)
    old, new = load_spec(), edit.applied(load_spec())
    for finding in report.findings:
        witness = finding.witness
        if witness is None:
            continue
        # The new side is the old document with this change alone, when it could be isolated.
        alone = new if witness.isolated is None else applied(old, witness.isolated)
        docs = {"old": old, "new": alone}
        assert accepted(docs[witness.accepted_by], witness, witness.accepted_by), finding
        assert not accepted(docs[witness.rejected_by], witness, witness.rejected_by), finding


@pytest.mark.parametrize("name", [edit.name for edit in CORPUS])
def test_every_breaking_schema_change_has_a_witness(name: str) -> None:
    _, report = reported(name)
    for finding in report.of(Severity.BREAKING_CLIENTS):
        if finding.area in SCHEMA_AREAS:
            assert finding.witness or finding.evidence, finding


def test_same_contract_has_no_differences() -> None:
    assert diff(load_spec(), load_spec()).findings == []

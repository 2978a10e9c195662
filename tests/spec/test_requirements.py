"""The requirement catalogue: stable, well-formed, unique IDs that everything cites."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from capture_order.contract.catalogue import requirements
from capture_order.contract.lint.catalogue_rules import check_requirements

ID = re.compile(r"^CO-[A-Z]+-\d{2}$")
MENTION = re.compile(r"\bCO-[A-Z]+-\d+\b")


def test_requirement_ids_are_well_formed_and_unique(pristine_spec: dict[str, Any]) -> None:
    ids = [rule.id for rule in requirements(pristine_spec)]
    assert len(ids) >= 30
    assert [rid for rid in ids if not ID.match(rid)] == []
    assert [rid for rid, n in Counter(ids).items() if n > 1] == []


def test_every_rule_has_a_level_title_and_text(pristine_spec: dict[str, Any]) -> None:
    for rule in requirements(pristine_spec):
        assert rule.level in ("MUST", "SHOULD"), rule.id
        assert rule.title.strip(), f"{rule.id} has no title"
        assert rule.text.strip(), f"{rule.id} has no text"


def test_every_cited_id_is_in_the_catalogue(pristine_spec: dict[str, Any], spec_file: Path) -> None:
    # Read the raw text, so comments and every string are covered, not just parsed values.
    cited = set(MENTION.findall(spec_file.read_text(encoding="utf-8")))
    known = {rule.id for rule in requirements(pristine_spec)}
    assert cited - known == set()


def test_every_rule_is_attached_to_the_operation(pristine_spec: dict[str, Any]) -> None:
    attached = pristine_spec["paths"]["/capture-order/"]["post"]["x-requirements"]
    assert sorted(attached) == sorted(rule.id for rule in requirements(pristine_spec))


def test_catalogue_check_passes_on_the_contract(pristine_spec: dict[str, Any]) -> None:
    findings = check_requirements(pristine_spec)
    assert [f"{f.where}: {f.message}" for f in findings if f.severity == "error"] == []


def test_catalogue_check_reports_each_defect(spec: dict[str, Any]) -> None:
    catalogue = spec["x-requirements"]
    catalogue[1]["id"] = catalogue[0]["id"]  # duplicate
    catalogue[2]["id"] = "CO-ola-1"  # malformed
    catalogue[3]["text"] = "  "  # empty text
    spec["components"]["schemas"]["Order"]["description"] += " (CO-NOPE-01)"  # unknown citation
    messages = [finding.message for finding in check_requirements(spec)]
    assert any("is not unique" in m for m in messages)
    assert any("'CO-ola-1' does not match" in m for m in messages)
    assert any("empty text" in m for m in messages)
    assert any(m.startswith("CO-NOPE-01 is not in the requirement catalogue") for m in messages)


def test_every_rule_has_cases_and_unobservable_ones_say_why(pristine_spec: dict[str, Any]) -> None:
    for rule in requirements(pristine_spec):
        assert rule.cases, f"{rule.id} has no cases"
        assert all(case.text.strip() for case in rule.cases), rule.id
        assert all(case.reason for case in rule.cases if not case.observable), rule.id
    unobservable = [c.ref for r in requirements(pristine_spec) for c in r.cases if not c.observable]
    assert unobservable == [
        "CO-IDEM-04/seven-days",
        "CO-CONC-01/any-number-of-processes",
        "CO-CONC-02/any-process",
        "CO-CONC-02/survives-crash",
    ]


def test_catalogue_check_reports_each_case_defect(spec: dict[str, Any]) -> None:
    catalogue = spec["x-requirements"]
    catalogue[0]["cases"][1]["id"] = catalogue[0]["cases"][0]["id"]  # duplicate
    catalogue[1]["cases"][0]["id"] = "Not_Kebab"
    catalogue[2]["cases"][0]["observable"] = False  # and no reason
    del catalogue[3]["cases"]
    messages = [finding.message for finding in check_requirements(spec)]
    assert any("/no-header is not unique" in m for m in messages)
    assert any("'Not_Kebab' is not kebab-case" in m for m in messages)
    assert any("not observable, but no reason given" in m for m in messages)
    assert any(m.endswith(": no cases") for m in messages)

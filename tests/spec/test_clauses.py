"""Clause coverage: each rule's text split into clauses, each clause covered by a case."""

from __future__ import annotations

from typing import Any

import pytest

from capture_order.contract import catalogue
from capture_order.contract.clauses import clauses_of, coverage
from capture_order.contract.diff.model import Severity
from capture_order.contract.diff.requirements import requirement_findings
from capture_order.contract.lint import catalogue_rules
from capture_order.contract.lint.catalogue_rules import check_requirements


def _phrases(text: str, kind: str | None = None) -> list[str]:
    return [c.phrase for c in clauses_of(text) if kind is None or c.kind == kind]


def _rule(spec: dict[str, Any], rid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in spec["x-requirements"] if e["id"] == rid)
    return found


def test_sentences_split_at_full_stops_and_semicolons_outside_code() -> None:
    text = "A `v1.x` value is kept; the rest is dropped. Nothing else (see `a.b`) changes."
    assert _phrases(text, "sentence") == [
        "A `v1.x` value is kept",
        "the rest is dropped.",
        "Nothing else (see `a.b`) changes.",
    ]


def test_each_member_of_a_list_of_statuses_is_a_clause() -> None:
    text = "A request answered 400, 401, 413 or 415 is not stored."
    assert _phrases(text, "member") == ["400", "401", "413", "415"]


def test_thousands_are_one_number_not_a_list() -> None:
    assert _phrases("A body over 12,345 bytes is refused.", "member") == []


def test_each_code_span_of_a_list_is_a_member() -> None:
    text = "Three digits for `kwd`, `bhd` and `omr`, two for `try`."
    assert _phrases(text, "member") == ["`kwd`", "`bhd`", "`omr`"]


def test_a_list_of_phrases_gives_each_phrase_and_a_first_of_the_seconds_width() -> None:
    text = "No response holds a stack trace, an internal path, SQL, or a credential."
    assert _phrases(text, "member") == ["a stack trace", "an internal path", "SQL", "a credential"]


def test_the_last_phrase_of_a_list_stops_at_the_predicate() -> None:
    text = "A key that is empty, too long, or sent twice is answered 400."
    assert _phrases(text, "member") == ["is empty", "too long", "sent twice"]


def test_markers_and_asides_are_clauses_of_their_own() -> None:
    text = "A field unknown at any level is refused (a typo is never ignored), such as `ordr`."
    found = {(c.kind, c.phrase) for c in clauses_of(text)}
    assert ("marker", "at any level") in found
    assert ("marker", "such as `ordr`") in found
    assert ("aside", "(a typo is never ignored)") in found


def test_a_name_in_brackets_is_no_aside() -> None:
    assert _phrases("It is answered 404 (`order_not_found`) (RFC 9110).", "aside") == []


def test_a_precedence_chain_is_one_clause() -> None:
    text = "The first that applies decides: cancelled, then refunded, then not capturable."
    assert [(c.kind, c.phrase) for c in clauses_of(text)] == [("sentence", text)]


def test_negations_joined_are_members() -> None:
    text = "Numbers are matched as sent, with no trimming and no normalisation."
    assert _phrases(text, "member") == ["no trimming", "no normalisation"]


def test_splitting_is_deterministic_and_every_clause_is_a_substring_of_the_real_spec(
    pristine_spec: dict[str, Any],
) -> None:
    for rule in catalogue.requirements(pristine_spec):
        found = clauses_of(rule.text)
        assert found == clauses_of(rule.text), rule.id
        assert found, rule.id
        for clause in found:
            assert rule.text[clause.start : clause.end] == clause.phrase, rule.id
            assert clause.phrase == clause.phrase.strip(), (rule.id, clause.phrase)


def test_the_real_spec_lists_the_known_enumerations(pristine_spec: dict[str, Any]) -> None:
    members = {
        rule.id: _phrases(rule.text, "member") for rule in catalogue.requirements(pristine_spec)
    }
    assert members["CO-IDEM-01"] == ["200", "404", "409", "422"]
    assert members["CO-IDEM-06"] == ["400", "401", "413", "415"]
    assert {"`50`", "`100`"} <= set(members["CO-CAP-06"])
    assert {"`kwd`", "`bhd`", "`omr`", "`jod`", "`iqd`"} <= set(members["CO-MON-03"])


def test_a_quote_inside_a_clause_covers_it_but_a_member_needs_its_own() -> None:
    text = "A request answered 400 or 401 is not stored."
    whole = coverage(text, [("c", text)])
    assert [c.phrase for c in whole.uncovered] == ["400", "401"]
    both = coverage(text, [("a", "400"), ("b", "401")])
    assert both.uncovered == ()


def test_a_quote_not_in_the_text_or_found_twice_is_bad() -> None:
    found = coverage("It is 409; then 409 again.", [("a", "410"), ("b", "409")])
    assert [(b.case, b.problem) for b in found.bad_quotes] == [
        ("a", "is not in the rule's text"),
        ("b", "occurs 2 times: quote enough to be one"),
    ]


def test_every_case_of_the_spec_says_which_clauses_it_covers(pristine_spec: dict[str, Any]) -> None:
    cases = [c for r in catalogue.requirements(pristine_spec) for c in r.cases]
    assert [c.ref for c in cases if not c.covers] == []


def test_covers_comes_right_after_the_case_id_in_the_file(spec_file: Any) -> None:
    lines = spec_file.read_text(encoding="utf-8").splitlines()
    ids = [i for i, line in enumerate(lines) if line.startswith("      - id: ")]
    assert ids
    assert [lines[i] for i in ids if lines[i + 1].strip() != "covers:"] == []


def test_lint_names_the_rule_and_the_uncovered_phrase(spec: dict[str, Any]) -> None:
    cases = _rule(spec, "CO-IDEM-06")["cases"]
    cases[:] = [c for c in cases if c["id"] != "after-413"]
    messages = [f.message for f in check_requirements(spec) if f.where.endswith("/text")]
    assert "CO-IDEM-06: no case covers the member '413'" in messages


def test_a_quote_the_text_does_not_hold_is_an_error(spec: dict[str, Any]) -> None:
    _rule(spec, "CO-CAP-05")["cases"][0]["covers"] = ["is answered 410"]
    errors = [f.message for f in check_requirements(spec) if f.severity == "error"]
    assert "CO-CAP-05/second-capture: covers 'is answered 410' is not in the rule's text" in errors


@pytest.mark.parametrize(("enforced", "severity"), [(True, "error"), (False, "note")])
def test_the_switch_sets_the_severity_of_an_uncovered_clause(
    spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch, enforced: bool, severity: str
) -> None:
    monkeypatch.setattr(catalogue_rules, "CLAUSE_COVERAGE_ENFORCED", enforced)
    _rule(spec, "CO-CAP-05")["cases"][0]["covers"] = []
    uncovered = [f for f in check_requirements(spec) if "CO-CAP-05: no case covers" in f.message]
    assert [f.severity for f in uncovered] == [severity]


def test_the_diff_reads_a_change_of_covers_as_documentation(
    pristine_spec: dict[str, Any], spec: dict[str, Any]
) -> None:
    _rule(spec, "CO-CAP-05")["cases"][0]["covers"] = ["A capture of an order"]
    findings = [
        f for f in requirement_findings(pristine_spec, spec) if f.requirement == "CO-CAP-05"
    ]
    assert [f.severity for f in findings] == [Severity.DOCS]


def test_the_diff_still_reads_a_changed_case_text_of_a_must_as_normative(
    pristine_spec: dict[str, Any], spec: dict[str, Any]
) -> None:
    case = _rule(spec, "CO-CAP-05")["cases"][0]
    case["text"] = "A second full capture is 200 unless the order is new."
    findings = [
        f for f in requirement_findings(pristine_spec, spec) if f.requirement == "CO-CAP-05"
    ]
    assert Severity.BREAKING_DEPLOYMENTS in [f.severity for f in findings]

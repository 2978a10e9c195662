"""Check results into case outcomes, requirement verdicts, the run's verdict and exit codes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from capture_order.conformance.verdict import (
    CaseOutcome,
    CheckFinding,
    CheckResult,
    Status,
    Verdict,
    case_outcomes,
    exit_code,
    overall,
    requirement_verdict,
    scenario_outcomes,
    scores,
    unchecked_must_cases,
)
from capture_order.contract.catalogue import Case, Requirement

MUST = Requirement(
    "CO-X-01",
    "MUST",
    "A must",
    "text",
    (Case("CO-X-01", "a", "case a"), Case("CO-X-01", "b", "case b")),
)
SHOULD = Requirement("CO-X-02", "SHOULD", "A should", "text", (Case("CO-X-02", "c", "case c"),))
HIDDEN = Requirement(
    "CO-X-03", "SHOULD", "Hidden", "text", (Case("CO-X-03", "d", "d", False, "cannot see it"),)
)
FINDING = CheckFinding(None, "broken", "this", "that")


def _result(status: Status, *refs: str, findings: tuple[CheckFinding, ...] = ()) -> CheckResult:
    result = CheckResult(f"check_{status.value}_{len(refs)}", refs, status, findings, "why")
    return replace(result, outcomes=case_outcomes(result))


def test_a_failed_check_fails_a_must_and_warns_a_should() -> None:
    failed = _result(Status.FAIL, "CO-X-01/a", "CO-X-02/c", findings=(FINDING,))
    assert requirement_verdict(MUST, [failed]).status == Status.FAIL
    assert requirement_verdict(SHOULD, [failed]).status == Status.WARN


def test_a_finding_for_one_case_fails_that_case_only() -> None:
    one = CheckFinding("CO-X-01/a", "broken", "this", "that")
    verdict = requirement_verdict(
        MUST, [_result(Status.FAIL, "CO-X-01/a", "CO-X-01/b", findings=(one,))]
    )
    assert [(c.ref, c.status) for c in verdict.cases] == [
        ("CO-X-01/a", Status.FAIL),
        ("CO-X-01/b", Status.PASS),
    ]
    assert verdict.case_summary == "1/2 cases (1 FAIL)"


def test_a_finding_of_a_check_that_does_not_declare_the_case_still_fails_it() -> None:
    noticed = CheckFinding("CO-X-01/b", "seen on the way", "this", "that")
    verdicts = requirement_verdict(
        MUST,
        [_result(Status.PASS, "CO-X-01/a"), _result(Status.FAIL, "CO-X-02/c", findings=(noticed,))],
    )
    assert verdicts.status == Status.FAIL
    assert dict((c.ref, c.status) for c in verdicts.cases)["CO-X-01/b"] == Status.FAIL


def test_skipped_checks_alone_never_pass() -> None:
    verdict = requirement_verdict(MUST, [_result(Status.SKIP, "CO-X-01/a", "CO-X-01/b")])
    assert verdict.status == Status.SKIP
    assert all(c.status == Status.SKIP and "why" in c.reason for c in verdict.cases)


def test_a_scenario_never_passes_a_case_and_says_why_it_did_not_exercise_one() -> None:
    ran = CheckResult("facts", ("CO-X-01/a", "CO-X-01/b"), Status.PASS, kind="scenario")
    outcomes = scenario_outcomes(ran, {"CO-X-01/b": "needs `status`"})
    assert [o.status for o in outcomes] == [Status.SKIP, Status.SKIP]
    assert outcomes[1].reason == "needs `status`"
    judged = CheckResult(
        "rule", ("CO-X-01/a",), Status.PASS, outcomes=(CaseOutcome("CO-X-01/a", Status.PASS),)
    )
    verdict = requirement_verdict(MUST, [replace(ran, outcomes=outcomes), judged])
    cases = {c.ref: (c.status, c.reason) for c in verdict.cases}
    assert cases == {
        "CO-X-01/a": (Status.PASS, ""),
        "CO-X-01/b": (Status.SKIP, "facts: needs `status`"),
    }
    assert verdict.status == Status.PASS


def test_a_requirement_with_every_case_skipped_is_a_skip_never_a_pass() -> None:
    ran = CheckResult("sent", ("CO-X-01/a", "CO-X-01/b"), Status.PASS, kind="scenario")
    outcomes = scenario_outcomes(ran, {})
    verdict = requirement_verdict(MUST, [replace(ran, outcomes=outcomes)])
    assert verdict.status == Status.SKIP


def test_an_unobservable_requirement_is_a_skip_that_says_why() -> None:
    verdict = requirement_verdict(HIDDEN, [])
    assert verdict.status == Status.SKIP and "cannot see it" in verdict.reason
    assert not verdict.cases[0].observable


def test_an_uncovered_case_is_an_error_and_only_a_deselected_one_says_not_selected() -> None:
    covered = frozenset({"CO-X-01/a"})
    verdict = requirement_verdict(MUST, [_result(Status.PASS, "CO-X-01/a")], covered=covered)
    assert verdict.status == Status.ERROR and "CO-X-01/b" in verdict.reason
    verdict = requirement_verdict(
        MUST, [_result(Status.PASS, "CO-X-01/a")], covered=covered | {"CO-X-01/b"}
    )
    assert verdict.status == Status.PASS
    assert verdict.cases[1].reason == "not judged in this run"
    deselected = requirement_verdict(MUST, [], selected=False)
    assert deselected.status == Status.SKIP
    assert all(c.reason == "not selected (--only/--skip)" for c in deselected.cases)


def test_the_run_is_conformant_only_when_every_must_case_passed() -> None:
    full = requirement_verdict(MUST, [_result(Status.PASS, "CO-X-01/a", "CO-X-01/b")])
    half = requirement_verdict(
        MUST, [_result(Status.PASS, "CO-X-01/a"), _result(Status.SKIP, "CO-X-01/b")]
    )
    warned = requirement_verdict(SHOULD, [_result(Status.FAIL, "CO-X-02/c", findings=(FINDING,))])
    assert half.status == Status.PASS  # the requirement passed what was checked ...
    assert overall([half]) == Verdict.INCOMPLETE  # ... the run is not conformant
    assert [c.ref for c in unchecked_must_cases([half])] == ["CO-X-01/b"]
    assert overall([full, warned, requirement_verdict(HIDDEN, [])]) == Verdict.CONFORMANT


def test_exit_codes_follow_the_verdict_and_the_profile() -> None:
    assert exit_code(Verdict.CONFORMANT) == exit_code(Verdict.CONFORMANT, "certify") == 0
    assert exit_code(Verdict.INCOMPLETE) == 0
    assert exit_code(Verdict.INCOMPLETE, "certify") == 1
    assert exit_code(Verdict.NOT_CONFORMANT) == 1
    assert exit_code(Verdict.ERROR, "certify") == 2
    failed = requirement_verdict(MUST, [_result(Status.FAIL, "CO-X-01/a", findings=(FINDING,))])
    crashed = requirement_verdict(SHOULD, [_result(Status.ERROR, "CO-X-02/c")])
    assert overall([failed, crashed]) == Verdict.NOT_CONFORMANT
    assert overall([crashed]) == Verdict.ERROR


def test_scores_count_cases_beside_the_index() -> None:
    half = requirement_verdict(
        MUST, [_result(Status.PASS, "CO-X-01/a"), _result(Status.SKIP, "CO-X-01/b")]
    )
    (must,) = scores([half], frozenset({"CO-X-01/a"}))
    assert (must.cases, must.passed_cases, must.allowed_cases) == (2, 1, 1)


def test_a_failure_found_on_the_way_fails_even_an_unselected_requirement() -> None:
    noticed = CheckFinding("CO-X-01/b", "seen on the way", "this", "that")
    seen = _result(Status.FAIL, "CO-X-02/c", findings=(noticed,))
    assert requirement_verdict(MUST, [seen], selected=False).status == Status.FAIL
    assert requirement_verdict(MUST, [], selected=False).status == Status.SKIP


def test_every_line_of_a_finding_is_printed_under_its_requirement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from capture_order.conformance import suite_console
    from capture_order.conformance.runner import RunReport
    from capture_order.conformance.settings import Settings

    finding = CheckFinding(None, "Refused\nwith a reason", "a 400\nnaming the field", "a 200\nbody")
    report = RunReport(Settings(base_url="http://127.0.0.1:1", seed=1), "2026-12-07T10:00:00")
    report.requirements = [
        requirement_verdict(MUST, [_result(Status.FAIL, "CO-X-01/a", findings=(finding,))])
    ]
    report.verdict = overall(report.requirements)
    suite_console.summary(report)
    out = capsys.readouterr().out
    block = out.split("CO-X-01", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert block and all(line.startswith("        ") for line in block), block
    assert "          Expected: a 400" in out and "            naming the field" in out

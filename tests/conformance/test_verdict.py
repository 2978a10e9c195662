"""Check results into case outcomes, requirement verdicts, the run's verdict and exit codes."""

from __future__ import annotations

from dataclasses import replace

from capture_order.conformance.verdict import (
    CheckResult,
    Finding,
    Status,
    Verdict,
    case_outcomes,
    exit_code,
    overall,
    requirement_verdict,
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
FINDING = Finding(None, "broken", "this", "that")


def _result(status: Status, *refs: str, findings: tuple[Finding, ...] = ()) -> CheckResult:
    result = CheckResult(f"check_{status.value}_{len(refs)}", refs, status, findings, "why")
    return replace(result, outcomes=case_outcomes(result))


def test_a_failed_check_fails_a_must_and_warns_a_should() -> None:
    failed = _result(Status.FAIL, "CO-X-01/a", "CO-X-02/c", findings=(FINDING,))
    assert requirement_verdict(MUST, [failed]).status == Status.FAIL
    assert requirement_verdict(SHOULD, [failed]).status == Status.WARN


def test_a_finding_for_one_case_fails_that_case_only() -> None:
    one = Finding("CO-X-01/a", "broken", "this", "that")
    verdict = requirement_verdict(
        MUST, [_result(Status.FAIL, "CO-X-01/a", "CO-X-01/b", findings=(one,))]
    )
    assert [(c.ref, c.status) for c in verdict.cases] == [
        ("CO-X-01/a", Status.FAIL),
        ("CO-X-01/b", Status.PASS),
    ]
    assert verdict.case_summary == "1/2 cases (1 FAIL)"


def test_a_finding_of_a_check_that_does_not_declare_the_case_still_fails_it() -> None:
    noticed = Finding("CO-X-01/b", "seen on the way", "this", "that")
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


def test_a_case_not_reached_after_an_abort_is_not_checked() -> None:
    one = Finding("CO-X-01/a", "broken", "this", "that")
    result = CheckResult("aborts", ("CO-X-01/a", "CO-X-01/b"), Status.FAIL, (one,))
    outcomes = case_outcomes(result, touched={"CO-X-01/a"}, aborted=True)
    assert [(o.status, o.reason[:11]) for o in outcomes] == [
        (Status.FAIL, ""),
        (Status.SKIP, "not reached"),
    ]


def test_a_case_the_fixtures_do_not_allow_is_skipped_with_the_reason() -> None:
    result = CheckResult("facts", ("CO-X-01/a", "CO-X-01/b"), Status.PASS)
    outcomes = case_outcomes(result, skipped={"CO-X-01/b": "needs `status`"})
    assert [(o.status, o.reason) for o in outcomes] == [
        (Status.PASS, ""),
        (Status.SKIP, "needs `status`"),
    ]


def test_an_unobservable_requirement_is_a_skip_that_says_why() -> None:
    verdict = requirement_verdict(HIDDEN, [])
    assert verdict.status == Status.SKIP and "cannot see it" in verdict.reason
    assert not verdict.cases[0].observable


def test_an_uncovered_case_is_an_error_and_a_deselected_one_a_skip() -> None:
    covered = frozenset({"CO-X-01/a"})
    verdict = requirement_verdict(MUST, [_result(Status.PASS, "CO-X-01/a")], covered=covered)
    assert verdict.status == Status.ERROR and "CO-X-01/b" in verdict.reason
    verdict = requirement_verdict(
        MUST, [_result(Status.PASS, "CO-X-01/a")], covered=covered | {"CO-X-01/b"}
    )
    assert verdict.status == Status.PASS and verdict.cases[1].reason.startswith("not selected")


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
    noticed = Finding("CO-X-01/b", "seen on the way", "this", "that")
    seen = _result(Status.FAIL, "CO-X-02/c", findings=(noticed,))
    assert requirement_verdict(MUST, [seen], selected=False).status == Status.FAIL
    assert requirement_verdict(MUST, [], selected=False).status == Status.SKIP

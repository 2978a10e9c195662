"""Aggregation of check results into requirement verdicts, scores and the exit code."""

from __future__ import annotations

from conformance.verdict import (
    CheckResult,
    Finding,
    Status,
    exit_code,
    overall,
    requirement_verdict,
    scores,
)
from contract.catalogue import Requirement

MUST = Requirement("CO-X-01", "MUST", "A must", "text")
SHOULD = Requirement("CO-X-02", "SHOULD", "A should", "text")
FINDING = Finding(None, "broken", "this", "that")


def _result(status: Status, *ids: str, findings: tuple[Finding, ...] = ()) -> CheckResult:
    return CheckResult(f"check_{status.value}", ids, status, findings, reason="why")


def test_a_failed_check_fails_a_must_and_warns_a_should() -> None:
    failed = _result(Status.FAIL, "CO-X-01", "CO-X-02", findings=(FINDING,))
    assert requirement_verdict(MUST, [failed]).status == Status.FAIL
    assert requirement_verdict(SHOULD, [failed]).status == Status.WARN


def test_a_finding_naming_another_requirement_does_not_fail_this_one() -> None:
    other = Finding("CO-X-02", "broken", "this", "that")
    result = _result(Status.FAIL, "CO-X-01", "CO-X-02", findings=(other,))
    assert requirement_verdict(MUST, [result]).status == Status.PASS
    assert requirement_verdict(SHOULD, [result]).status == Status.WARN


def test_skipped_checks_alone_never_pass() -> None:
    verdict = requirement_verdict(MUST, [_result(Status.SKIP, "CO-X-01")])
    assert verdict.status == Status.SKIP
    assert "why" in verdict.reason


def test_a_pass_with_a_skipped_sibling_passes_and_says_what_was_skipped() -> None:
    verdict = requirement_verdict(
        MUST, [_result(Status.PASS, "CO-X-01"), _result(Status.SKIP, "CO-X-01")]
    )
    assert verdict.status == Status.PASS
    assert "skipped" in verdict.reason


def test_an_uncovered_must_is_an_error_and_an_uncovered_should_a_skip() -> None:
    assert requirement_verdict(MUST, []).status == Status.ERROR
    assert requirement_verdict(SHOULD, []).status == Status.SKIP
    idem = Requirement("CO-IDEM-04", "SHOULD", "7 days", "text")
    assert "not checkable" in requirement_verdict(idem, []).reason


def test_a_crashed_check_is_an_error_not_a_pass() -> None:
    assert (
        requirement_verdict(
            MUST, [_result(Status.PASS, "CO-X-01"), _result(Status.ERROR, "CO-X-01")]
        ).status
        == Status.ERROR
    )


def test_exit_codes_follow_the_verdict() -> None:
    passed = requirement_verdict(MUST, [_result(Status.PASS, "CO-X-01")])
    warned = requirement_verdict(SHOULD, [_result(Status.FAIL, "CO-X-02", findings=(FINDING,))])
    failed = requirement_verdict(MUST, [_result(Status.FAIL, "CO-X-01", findings=(FINDING,))])
    errored = requirement_verdict(MUST, [])
    assert exit_code(overall([passed, warned])) == 0
    assert exit_code(overall([passed, failed, errored])) == 1
    assert exit_code(overall([passed, errored])) == 2


def test_scores_count_per_level() -> None:
    passed = requirement_verdict(MUST, [_result(Status.PASS, "CO-X-01")])
    warned = requirement_verdict(SHOULD, [_result(Status.FAIL, "CO-X-02", findings=(FINDING,))])
    must, should = scores([passed, warned])
    assert (must.level, must.passed, must.checked, must.percent) == ("MUST", 1, 1, 100.0)
    assert (should.level, should.passed, should.checked) == ("SHOULD", 0, 1)

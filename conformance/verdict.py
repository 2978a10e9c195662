"""Check outcomes, their aggregation per requirement, the score per level and the exit code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from contract.catalogue import Requirement


class Status(StrEnum):
    """A verdict. ERROR means the run itself broke, not the deployment."""

    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    SKIP = "SKIP"
    ERROR = "ERROR"


@dataclass(frozen=True)
class Finding:
    """One failed expectation, with what was expected, what came back and how to reproduce it."""

    requirement: str | None  # None: every requirement of the check
    title: str
    expected: str
    received: str
    curl: tuple[str, ...] = ()

    def message(self) -> str:
        """The Schemathesis-style text: title, Expected, Received."""
        return f"{self.title}\n\nExpected: {self.expected}\nReceived: {self.received}"


@dataclass(frozen=True)
class CheckResult:
    """What one check found."""

    name: str
    requirements: tuple[str, ...]
    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why SKIP or ERROR
    duration_s: float = 0.0
    requests: int = 0
    cases: int = 0

    def failed(self, requirement: str) -> tuple[Finding, ...]:
        """The findings that concern this requirement."""
        return tuple(f for f in self.findings if f.requirement in (None, requirement))


@dataclass(frozen=True)
class RequirementResult:
    """A requirement's verdict over every check that names it."""

    requirement: Requirement
    status: Status
    checks: tuple[str, ...]
    findings: tuple[tuple[str, Finding], ...] = ()  # (check name, finding)
    reason: str = ""


# Requirements a black-box suite cannot observe; reported as SKIP with this reason.
NOT_CHECKABLE = {
    "CO-IDEM-04": "not checkable from outside: a run cannot wait 7 days for a replay",
}


def requirement_verdict(
    requirement: Requirement, results: Sequence[CheckResult], *, selected: bool = True
) -> RequirementResult:
    """Aggregate the results of the checks naming one requirement."""
    mine = [r for r in results if requirement.id in r.requirements]
    names = tuple(r.name for r in mine)
    if not selected:
        return RequirementResult(
            requirement, Status.SKIP, names, reason="not selected (--only/--skip)"
        )
    if not mine:
        if requirement.id in NOT_CHECKABLE:
            return RequirementResult(
                requirement, Status.SKIP, (), reason=NOT_CHECKABLE[requirement.id]
            )
        status = Status.ERROR if requirement.level == "MUST" else Status.SKIP
        return RequirementResult(requirement, status, (), reason="no check covers this requirement")
    findings = tuple(
        (r.name, f) for r in mine if r.status == Status.FAIL for f in r.failed(requirement.id)
    )
    errors = [r for r in mine if r.status == Status.ERROR]
    if findings:
        status = Status.FAIL if requirement.level == "MUST" else Status.WARN
        return RequirementResult(requirement, status, names, findings)
    if errors:
        reason = "; ".join(f"{r.name}: {r.reason}" for r in errors)
        return RequirementResult(requirement, Status.ERROR, names, reason=reason)
    if all(r.status == Status.SKIP for r in mine):
        reason = "; ".join(f"{r.name}: {r.reason}" for r in mine)
        return RequirementResult(requirement, Status.SKIP, names, reason=reason)
    skipped = [r for r in mine if r.status == Status.SKIP]
    reason = "; ".join(f"{r.name} skipped: {r.reason}" for r in skipped)
    return RequirementResult(requirement, Status.PASS, names, reason=reason)


@dataclass(frozen=True)
class LevelScore:
    """How the requirements of one level (MUST, SHOULD) fared."""

    level: str
    counts: dict[Status, int] = field(default_factory=dict)

    @property
    def checked(self) -> int:
        """Requirements with a verdict other than SKIP."""
        return sum(n for s, n in self.counts.items() if s != Status.SKIP)

    @property
    def passed(self) -> int:
        """Requirements that passed."""
        return self.counts.get(Status.PASS, 0)

    @property
    def percent(self) -> float:
        """Passed share of the checked requirements (100 when nothing was checked)."""
        return 100.0 * self.passed / self.checked if self.checked else 100.0


def scores(results: Iterable[RequirementResult]) -> list[LevelScore]:
    """The score per requirement level, MUST first."""
    by_level: dict[str, dict[Status, int]] = {}
    for result in results:
        counts = by_level.setdefault(result.requirement.level, {})
        counts[result.status] = counts.get(result.status, 0) + 1
    order = ["MUST", "SHOULD", "MAY"]
    return [LevelScore(level, by_level[level]) for level in order if level in by_level]


def overall(results: Iterable[RequirementResult]) -> Status:
    """The run's verdict: FAIL beats ERROR (a known violation is news), then PASS."""
    statuses = {r.status for r in results}
    if Status.FAIL in statuses:
        return Status.FAIL
    if Status.ERROR in statuses:
        return Status.ERROR
    return Status.PASS


def exit_code(verdict: Status) -> int:
    """0 conformant (WARN allowed), 1 not conformant, 2 the run could not be carried out."""
    return {Status.FAIL: 1, Status.ERROR: 2}.get(verdict, 0)

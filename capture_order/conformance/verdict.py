"""Check outcomes, per case and per requirement, the run's verdict and its exit code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from capture_order.contract.catalogue import Case, Requirement, requirement_ids, requirement_of


class Status(StrEnum):
    """A check's, a case's or a requirement's result. ERROR: the run itself broke."""

    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    SKIP = "SKIP"
    ERROR = "ERROR"


class Verdict(StrEnum):
    """What a run says about the deployment."""

    CONFORMANT = "CONFORMANT"  # every observable MUST case checked and passed
    INCOMPLETE = "INCOMPLETE"  # no failure, but some MUST case was not checked
    NOT_CONFORMANT = "NOT_CONFORMANT"  # a MUST failed
    ERROR = "ERROR"  # the run itself broke: its verdict would say nothing


PROFILES = ("default", "certify")


@dataclass(frozen=True)
class CheckFinding:
    """One failed expectation, with what was expected, what came back and how to reproduce it."""

    requirement: str | None  # a case ref, a bare requirement ID, or None: all the check's cases
    title: str
    expected: str
    received: str
    curl: tuple[str, ...] = ()

    def message(self) -> str:
        """The Schemathesis-style text: title, Expected, Received."""
        return f"{self.title}\n\nExpected: {self.expected}\nReceived: {self.received}"

    def concerns(self, ref: str) -> bool:
        """Whether this finding fails the case `ref`."""
        return self.requirement in (None, ref, requirement_of(ref))


@dataclass(frozen=True)
class CaseOutcome:
    """How one case fared: in one check, or over every check that exercises it."""

    ref: str
    status: Status
    reason: str = ""
    checks: tuple[str, ...] = ()
    observable: bool = True


@dataclass(frozen=True)
class CheckResult:
    """What one check found, for each case it exercises."""

    name: str
    refs: tuple[str, ...]  # the cases it exercises (or bare requirement IDs)
    status: Status
    findings: tuple[CheckFinding, ...] = ()
    reason: str = ""  # why SKIP or ERROR
    duration_s: float = 0.0
    requests: int = 0
    examined: int = 0  # generated cases or inspected responses
    outcomes: tuple[CaseOutcome, ...] = ()
    # "scenario" (it sent requests: its SKIP says what the fixtures lack) or "judge" (a rule
    # or sweep of the judge, or a run rule: its outcomes are verdicts).
    kind: str = "judge"

    @property
    def requirements(self) -> tuple[str, ...]:
        """The requirement IDs of its cases."""
        return requirement_ids(self.refs)

    def failed(self, requirement: str) -> tuple[CheckFinding, ...]:
        """The findings that concern this requirement."""
        return tuple(
            f
            for f in self.findings
            if f.requirement is None or requirement_of(f.requirement) == requirement
        )

    def outcome(self, ref: str) -> CaseOutcome | None:
        """This check's outcome for a case it exercises."""
        return next((o for o in self.outcomes if o.ref == ref), None)


def case_outcomes(result: CheckResult) -> tuple[CaseOutcome, ...]:
    """The outcome of each case a judging result declares, from its status and findings."""
    found = []
    for ref in result.refs:
        if any(f.concerns(ref) for f in result.findings):
            status, reason = Status.FAIL, ""
        elif result.status in (Status.SKIP, Status.ERROR):
            status, reason = result.status, result.reason
        else:
            status, reason = Status.PASS, ""
        found.append(CaseOutcome(ref, status, reason, (result.name,)))
    return tuple(found)


NOT_OBSERVED = "its requests did not exercise it (an earlier answer went otherwise)"


def scenario_outcomes(result: CheckResult, skipped: dict[str, str]) -> tuple[CaseOutcome, ...]:
    """What a scenario says of each case it declares: why it was not exercised, if it was not.

    A scenario never passes a case: the judge does, from the exchanges. A scenario that ran
    leaves a SKIP that a PASS or FAIL of the judge outranks.
    """
    found = []
    for ref in result.refs:
        if result.status in (Status.SKIP, Status.ERROR):
            status, reason = result.status, result.reason
        elif ref in skipped:
            status, reason = Status.SKIP, skipped[ref]
        else:
            status, reason = Status.SKIP, NOT_OBSERVED
        found.append(CaseOutcome(ref, status, reason, (result.name,)))
    return tuple(found)


@dataclass(frozen=True)
class RequirementResult:
    """A requirement's verdict over every check that names it, and its cases' outcomes."""

    requirement: Requirement
    status: Status
    checks: tuple[str, ...]
    findings: tuple[tuple[str, CheckFinding], ...] = ()  # (check name, finding)
    reason: str = ""
    cases: tuple[CaseOutcome, ...] = ()

    def count(self, status: Status, *, observable: bool = True) -> int:
        """How many (observable) cases have this status."""
        return sum(1 for c in self.cases if c.status == status and c.observable == observable)

    @property
    def case_summary(self) -> str:
        """`6/6 cases` or `4/6 cases (2 SKIP)`: passed of the observable cases."""
        total = sum(1 for c in self.cases if c.observable)
        passed = self.count(Status.PASS)
        rest = [f"{self.count(s)} {s.value}" for s in (Status.FAIL, Status.SKIP, Status.ERROR)]
        rest = [r for r in rest if not r.startswith("0 ")]
        hidden = sum(1 for c in self.cases if not c.observable)
        if hidden:
            rest.append(f"{hidden} not observable")
        return f"{passed}/{total} cases" + (f" ({', '.join(rest)})" if rest else "")


def _incidental(case: Case, results: Sequence[CheckResult]) -> list[str]:
    """Checks that do not exercise the case, but found it broken on their way."""
    return [
        r.name
        for r in results
        if case.ref not in r.refs
        and any(f.requirement in (case.ref, case.requirement) for f in r.findings)
    ]


def _aggregate(
    case: Case,
    results: Sequence[CheckResult],
    every: Sequence[CheckResult],
    selected: bool,
    covered: frozenset[str] | None,
) -> CaseOutcome:
    if not case.observable:
        return CaseOutcome(case.ref, Status.SKIP, f"not observable: {case.reason}", (), False)
    mine = [(r, o) for r in results if (o := r.outcome(case.ref)) is not None]
    names = tuple(dict.fromkeys(r.name for r, _ in mine))
    noticed = _incidental(case, every)
    if noticed or any(o.status == Status.FAIL for _, o in mine):
        return CaseOutcome(case.ref, Status.FAIL, "", (*names, *noticed))
    if not selected:
        return CaseOutcome(case.ref, Status.SKIP, "not selected (--only/--skip)")
    if not mine:
        if covered is not None and case.ref not in covered:
            return CaseOutcome(case.ref, Status.ERROR, "no scenario exercises this case")
        return CaseOutcome(case.ref, Status.SKIP, "not judged in this run")
    for status in (Status.FAIL, Status.ERROR, Status.PASS):
        hits = [(r, o) for r, o in mine if o.status == status]
        if hits:
            reason = "; ".join(f"{r.name}: {o.reason}" for r, o in hits if o.reason)
            return CaseOutcome(case.ref, status, reason if status != Status.PASS else "", names)
    # Not exercised: what a scenario says (the fixtures it lacked) before what the judge needed.
    scenarios = [(r, o) for r, o in mine if r.kind == "scenario"]
    reason = "; ".join(dict.fromkeys(f"{r.name}: {o.reason}" for r, o in scenarios or mine))
    return CaseOutcome(case.ref, Status.SKIP, reason, names)


# Requirements a black-box suite cannot observe at all, from the catalogue's cases.
def not_checkable(requirement: Requirement) -> str | None:
    """Why no case of the requirement can be checked from outside, or None."""
    if requirement.cases and not requirement.observable:
        return "not checkable from outside: " + "; ".join(c.reason for c in requirement.cases)
    return None


def requirement_verdict(
    requirement: Requirement,
    results: Sequence[CheckResult],
    *,
    selected: bool = True,
    covered: frozenset[str] | None = None,
    chosen: frozenset[str] | None = None,
) -> RequirementResult:
    """Aggregate the results naming one requirement, case by case.

    `covered` holds every case some scenario of the suite exercises (None: do not judge
    coverage); `chosen` the cases --only/--skip left (None: all).
    """
    if chosen is not None:
        selected = selected and any(c.ref in chosen for c in requirement.cases)
    mine = [r for r in results if requirement.id in r.requirements]
    names = tuple(r.name for r in mine)
    cases = tuple(
        _aggregate(c, mine, results, selected and (chosen is None or c.ref in chosen), covered)
        for c in requirement.cases
    )
    # A finding counts for its requirement whichever check made it: none is ever hidden.
    findings = tuple(
        (r.name, f)
        for r in results
        if r.status == Status.FAIL
        for f in r.findings
        if (f.requirement is None and r in mine)
        or (f.requirement is not None and requirement_of(f.requirement) == requirement.id)
    )
    if not selected and not findings:
        return RequirementResult(
            requirement, Status.SKIP, names, reason="not selected (--only/--skip)", cases=cases
        )
    if not mine and not findings:
        hidden = not_checkable(requirement)
        if hidden is not None:
            return RequirementResult(requirement, Status.SKIP, (), reason=hidden, cases=cases)
        status = Status.ERROR if requirement.level == "MUST" else Status.SKIP
        return RequirementResult(
            requirement, status, (), reason="no check covers this requirement", cases=cases
        )
    if findings:
        status = Status.FAIL if requirement.level == "MUST" else Status.WARN
        return RequirementResult(requirement, status, names, findings, cases=cases)
    errored = [c for c in cases if c.status == Status.ERROR]
    if errored:
        reason = "; ".join(dict.fromkeys(f"{c.ref}: {c.reason}" for c in errored))
        return RequirementResult(requirement, Status.ERROR, names, reason=reason, cases=cases)
    observable = [c for c in cases if c.observable]
    if all(c.status == Status.SKIP for c in observable):
        # Not one case checked: SKIP, whatever ran (never a PASS of nothing).
        reason = not_checkable(requirement) or "; ".join(
            dict.fromkeys(c.reason for c in observable if c.reason)
        )
        return RequirementResult(requirement, Status.SKIP, names, reason=reason, cases=cases)
    skipped = [c.ref for c in observable if c.status == Status.SKIP]
    reason = f"not checked: {', '.join(skipped)}" if skipped else ""
    return RequirementResult(requirement, Status.PASS, names, reason=reason, cases=cases)


@dataclass(frozen=True)
class LevelScore:
    """How the requirements and cases of one level (MUST, SHOULD) fared."""

    level: str
    counts: dict[Status, int] = field(default_factory=dict)
    cases: int = 0  # observable cases
    passed_cases: int = 0
    allowed_cases: int | None = None  # the index: cases the fixtures allow (None: unknown)

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


def scores(
    results: Iterable[RequirementResult], allowed: frozenset[str] | None = None
) -> list[LevelScore]:
    """Per level, MUST first: requirement counts, the score (cases passed) and the index."""
    by_level: dict[str, list[RequirementResult]] = {}
    for result in results:
        by_level.setdefault(result.requirement.level, []).append(result)
    found = []
    for level in ("MUST", "SHOULD", "MAY"):
        mine = by_level.get(level)
        if not mine:
            continue
        counts: dict[Status, int] = {}
        for result in mine:
            counts[result.status] = counts.get(result.status, 0) + 1
        observable = [c for r in mine for c in r.cases if c.observable]
        found.append(
            LevelScore(
                level,
                counts,
                len(observable),
                sum(1 for c in observable if c.status == Status.PASS),
                None if allowed is None else sum(1 for c in observable if c.ref in allowed),
            )
        )
    return found


def unchecked_must_cases(results: Iterable[RequirementResult]) -> list[CaseOutcome]:
    """The observable MUST cases that did not pass (and did not fail): why a run is incomplete."""
    return [
        c
        for r in results
        if r.requirement.level == "MUST"
        for c in r.cases
        if c.observable and c.status in (Status.SKIP, Status.ERROR)
    ]


def overall(results: Sequence[RequirementResult]) -> Verdict:
    """FAIL beats ERROR (a known violation is news), then an unchecked MUST case, then PASS."""
    statuses = {r.status for r in results}
    if Status.FAIL in statuses:
        return Verdict.NOT_CONFORMANT
    if Status.ERROR in statuses:
        return Verdict.ERROR
    if unchecked_must_cases(results):
        return Verdict.INCOMPLETE
    return Verdict.CONFORMANT


def exit_code(verdict: Verdict, profile: str = "default") -> int:
    """0 conformant (and, in the default profile, incomplete), 1 not conformant, 2 broken run.

    `--profile certify` makes an incomplete run fail with 1: a certificate needs every case.
    """
    if verdict == Verdict.INCOMPLETE:
        return 1 if profile == "certify" else 0
    return {Verdict.NOT_CONFORMANT: 1, Verdict.ERROR: 2}.get(verdict, 0)


def not_run(catalogue: Iterable[Requirement], error: str) -> list[RequirementResult]:
    """Every requirement of a run that stopped before judging: each case SKIP, saying why.

    Reports list every case of every run, so that CI sees the same tests whether a run
    broke or not (and never a PASS).
    """
    reason = f"not run: {error}"
    return [
        RequirementResult(
            r,
            Status.SKIP,
            (),
            reason=reason,
            cases=tuple(CaseOutcome(c.ref, Status.SKIP, reason, (), c.observable) for c in r.cases),
        )
        for r in catalogue
    ]

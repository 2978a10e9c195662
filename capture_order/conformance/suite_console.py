"""Console output: a header with the fixtures plan, one line per check, the final summary."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from capture_order.conformance import __version__
from capture_order.conformance.inputs import sampling_seed
from capture_order.conformance.plan import Plan
from capture_order.conformance.runner import RunReport
from capture_order.conformance.settings import Settings
from capture_order.conformance.verdict import (
    CaseOutcome,
    Status,
    Verdict,
    scores,
    unchecked_must_cases,
)
from capture_order.contract.catalogue import cases_by_ref
from capture_order.contract.spec import load_spec

VERDICT_TEXT = {
    Verdict.CONFORMANT: "CONFORMANT (every MUST case checked and passed)",
    Verdict.INCOMPLETE: "NO FAILURES, BUT INCOMPLETE (some MUST cases were not checked: "
    "not a certificate of conformance)",
    Verdict.NOT_CONFORMANT: "NOT CONFORMANT",
    Verdict.ERROR: "COULD NOT RUN COMPLETELY",
}
MAX_LISTED = 30


def _print(line: str = "") -> None:
    print(line, flush=True)


def _indented(line: str) -> str:
    """A finding's text with each further line under its first (texts may hold newlines)."""
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return line.replace("\n", "\n" + indent)


def header(settings: Settings, plan: Plan) -> None:
    """What is tested, against what, with which seed; what the run needs and what it has."""
    spec = load_spec()["info"]
    _print(
        f"capture-order conformance {__version__} · spec {spec['title']} {spec['version']} · "
        f"{settings.base_url} · seed {settings.seed} · "
        f"inputs seed {sampling_seed(settings.seed, settings.seed_given)} · "
        f"profile {settings.profile}"
    )
    _print(f"  The full run needs: {plan.needs_line()}")
    _print(f"  The fixtures give:  {plan.has_line()}")
    missing = plan.missing_line()
    if missing:
        _print(f"  To check every case, the fixtures lack: {missing}")
    # One line per reason: a run without a token would otherwise repeat one line 30 times.
    by_reason: dict[str, list[str]] = {}
    for skipped in plan.skipped:
        by_reason.setdefault(skipped.reason or "", []).append(skipped.name)
    for reason, names in by_reason.items():
        if len(names) == 1:
            _print(f"  will skip {names[0]}: {reason}")
        else:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            _print(f"  will skip {len(names)} scenarios ({shown}): {reason}")


def progress(line: str) -> None:
    """One line of progress (a finished check, a fuzzing phase)."""
    _print(f"  {line}")


def _inputs(report: RunReport, outcomes: Sequence[CaseOutcome]) -> None:
    """`case: class tried n of m` under its requirement, for each case naming an input class."""
    cases = cases_by_ref()
    for outcome in outcomes:
        tried = report.inputs.for_case(cases.get(outcome.ref))
        if tried is not None:
            _print(f"        {outcome.ref.split('/', 1)[-1]}: {tried.words()}")


def summary(report: RunReport) -> None:
    """Per-requirement verdicts and cases, failures, what was not checked, score and verdict."""
    _print()
    _print("Requirements")
    for result in report.requirements:
        r = result.requirement
        _print(
            f"  {result.status.value:<5} {r.id:<11} {r.level:<6} {r.title}: {result.case_summary}"
        )
        if result.status in (Status.SKIP, Status.ERROR) and result.reason:
            _print(f"        {result.reason}")
        shown = result.findings if report.settings.verbose else result.findings[:1]
        for check, finding in shown:
            _print(_indented(f"        {check}: {finding.title}"))
            _print(_indented(f"          Expected: {finding.expected}"))
            _print(_indented(f"          Received: {finding.received[:400]}"))
            for curl in finding.curl[-1:]:
                _print(f"          Reproduce: {curl[:600]}")
        if len(result.findings) > len(shown):
            _print(f"        … {len(result.findings) - len(shown)} more (--verbose or the reports)")
        _inputs(report, result.cases)
    missing = unchecked_must_cases(report.requirements)
    if missing:
        _print()
        _print(f"Not checked: {len(missing)} MUST cases")
        for case in missing[: None if report.settings.verbose else MAX_LISTED]:
            _print(f"  {case.ref}: {case.reason}")
        if len(missing) > MAX_LISTED and not report.settings.verbose:
            _print(f"  … {len(missing) - MAX_LISTED} more (--verbose or the reports)")
    _print()
    allowed = report.plan.allowed if report.plan else None
    parts = []
    for score in scores(report.requirements, allowed):
        index = (
            "" if score.allowed_cases is None else f"index {score.allowed_cases}/{score.cases}, "
        )
        parts.append(f"{score.level} cases: {index}score {score.passed_cases}/{score.cases} passed")
    _print("Cases: " + " · ".join(parts))
    ledger = report.ledger
    if report.traffic is not None:  # a verdict from recorded traffic: no request was sent
        checks = len(report.results)
        _print(f"Ran {checks} checks and rules over recorded traffic in {report.duration_s:.1f} s")
        _print(f"Verdict: {VERDICT_TEXT[report.verdict]}")
        return
    _print(
        f"Ran {len(report.results)} checks: {report.requests} requests by semantic checks, "
        f"{report.fuzz_cases} fuzzed cases, in {report.duration_s:.1f} s "
        f"(seed {report.settings.seed}); {len(ledger.entries) - len(ledger.refusals)} "
        f"requests named fixture orders, {len(ledger.refusals)} refused"
    )
    verdict = VERDICT_TEXT[report.verdict]
    if report.verdict == Verdict.INCOMPLETE and report.settings.profile == "certify":
        verdict += " — fails under --profile certify"
    _print(f"Verdict: {verdict}")
    sys.stdout.flush()


def reports(paths: list[Path]) -> None:
    """Where the report files went."""
    _print("Reports: " + ", ".join(str(p) for p in paths))

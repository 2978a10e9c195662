"""Console output: a header, one line per check as it finishes, and the final summary."""

from __future__ import annotations

import sys
from pathlib import Path

from conformance import __version__
from conformance.runner import RunReport
from conformance.settings import Settings
from conformance.verdict import Status, scores
from contract.spec import load_spec

VERDICT_TEXT = {
    Status.PASS: "CONFORMANT",
    Status.FAIL: "NOT CONFORMANT",
    Status.ERROR: "COULD NOT RUN COMPLETELY",
}


def _print(line: str = "") -> None:
    print(line, flush=True)


def header(settings: Settings) -> None:
    """What is tested, against what, with which seed."""
    spec = load_spec()["info"]
    _print(
        f"capture-order conformance {__version__} · spec {spec['title']} {spec['version']} · "
        f"{settings.base_url} · seed {settings.seed}"
    )


def progress(line: str) -> None:
    """One line of progress (a finished check, a fuzzing phase)."""
    _print(f"  {line}")


def summary(report: RunReport) -> None:
    """Per-requirement verdicts, failures with reproductions, the score and the verdict."""
    _print()
    _print("Requirements")
    for result in report.requirements:
        r = result.requirement
        _print(f"  {result.status.value:<5} {r.id:<11} {r.level:<6} {r.title}")
        if result.status in (Status.SKIP, Status.ERROR) and result.reason:
            _print(f"        {result.reason}")
        shown = result.findings if report.settings.verbose else result.findings[:1]
        for check, finding in shown:
            _print(f"        {check}: {finding.title}")
            _print(f"          Expected: {finding.expected}")
            _print(f"          Received: {finding.received[:400]}")
            for curl in finding.curl[-1:]:
                _print(f"          Reproduce: {curl[:600]}")
        if len(result.findings) > len(shown):
            _print(f"        … {len(result.findings) - len(shown)} more (--verbose or the reports)")
    _print()
    parts = []
    for score in scores(report.requirements):
        counts = ", ".join(
            f"{n} {s.value}" for s, n in sorted(score.counts.items()) if s != Status.PASS
        )
        parts.append(
            f"{score.level} {score.passed}/{score.checked} passed ({score.percent:.0f}%)"
            + (f", {counts}" if counts else "")
        )
    _print("Score: " + " · ".join(parts))
    checks = len(report.results)
    if report.traffic is not None:  # a verdict from recorded traffic: no request was sent
        _print(f"Ran {checks} checks and rules over recorded traffic in {report.duration_s:.1f} s")
        _print(f"Verdict: {VERDICT_TEXT[report.verdict]}")
        return
    _print(
        f"Ran {checks} checks: {report.requests} requests by semantic checks, "
        f"{report.fuzz_cases} fuzzed cases, in {report.duration_s:.1f} s "
        f"(seed {report.settings.seed})"
    )
    _print(f"Verdict: {VERDICT_TEXT[report.verdict]}")
    sys.stdout.flush()


def reports(paths: list[Path]) -> None:
    """Where the report files went."""
    _print("Reports: " + ", ".join(str(p) for p in paths))

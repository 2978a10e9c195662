"""report.json: the whole run as data (config redacted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.runner import RunReport
from conformance.verdict import CheckResult, Finding, exit_code, scores
from contract.spec import load_spec, spec_path


def _finding(finding: Finding, check: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"check": check} if check else {}
    data.update(
        requirement=finding.requirement,
        title=finding.title,
        expected=finding.expected,
        received=finding.received,
        curl=list(finding.curl),
    )
    return data


def _check(result: CheckResult) -> dict[str, Any]:
    return {
        "name": result.name,
        "requirements": list(result.requirements),
        "status": result.status.value,
        "reason": result.reason,
        "duration_s": round(result.duration_s, 3),
        "requests": result.requests,
        "cases": result.cases,
        "findings": [_finding(f) for f in result.findings],
    }


def to_dict(report: RunReport) -> dict[str, Any]:
    """The report as JSON-able data."""
    import schemathesis

    info = load_spec()["info"]
    return {
        "suite": {"name": "capture-order conformance", "version": __version__},
        "spec": {"title": info["title"], "version": info["version"], "path": spec_path().name},
        "schemathesis": schemathesis.__version__,
        "config": report.settings.redacted(),
        "seed": report.settings.seed,
        "order_prefix": report.prefix,
        "started_at": report.started_at,
        "duration_s": round(report.duration_s, 3),
        "verdict": report.verdict.value,
        "exit_code": 2 if report.error else exit_code(report.verdict),
        "error": report.error,
        "scores": [
            {
                "level": s.level,
                "passed": s.passed,
                "checked": s.checked,
                "percent": round(s.percent, 1),
                "counts": {k.value: v for k, v in s.counts.items()},
            }
            for s in scores(report.requirements)
        ],
        "counts": {
            "checks": len(report.results),
            "semantic_requests": report.requests,
            "fuzz_cases": report.fuzz_cases,
            "fuzz_phases": report.fuzz_phases,
            "fuzz_duration_s": round(report.fuzz_duration_s, 3),
        },
        "requirements": [
            {
                "id": r.requirement.id,
                "level": r.requirement.level,
                "title": r.requirement.title,
                "text": r.requirement.text,
                "status": r.status.value,
                "checks": list(r.checks),
                "reason": r.reason,
                "failures": [_finding(f, check) for check, f in r.findings],
            }
            for r in report.requirements
        ],
        "checks": [_check(r) for r in report.results],
        "traffic": report.traffic,
    }


def write_json(report: RunReport, path: Path) -> Path:
    """Write report.json."""
    path.write_text(
        json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path

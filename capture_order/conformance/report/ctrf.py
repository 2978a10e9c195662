"""report.ctrf.json: the run in the Common Test Report Format, one test per case of every rule.

Valid against the CTRF schema vendored beside this module (`ctrf_schema/`, its source and
licence there). A test's `status` says what the case does to the run's exit code, so that a
CI system counting `failed` agrees with the suite: `failed` for a MUST failure that fails the
run (and for a stale baseline entry, whose case passes now, and a case that could not be run
as it should: ERROR), `other` for what fails nothing (a SHOULD not met: WARN; a failure the
baseline expects), `skipped` with the reason, `passed`. `rawStatus` keeps the suite's own
outcome (PASS, FAIL, WARN, SKIP, ERROR) and `labels` the requirement, its level and the case.

The report's `extra` holds the verdict and what the run's manifest.json names (contract,
catalogue and fixtures by sha256, suite version, seed): the manifest itself covers this file
by its digest, so it cannot hold the manifest's.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from capture_order.conformance import __version__
from capture_order.conformance.baseline import Applied, run_exit_code
from capture_order.conformance.manifest import contract_digests, sha256_bytes
from capture_order.conformance.report.json import VERDICT_WORDS
from capture_order.conformance.runner import RunReport
from capture_order.conformance.verdict import CaseOutcome, RequirementResult, Status
from capture_order.contract.catalogue import cases_by_ref

SPEC_VERSION = "0.0.0"  # the CTRF version of the vendored schema (ctrf_schema/SOURCE.md)
TOOL = "capture-order conformance"
FILE = "report.ctrf.json"


def schema() -> dict[str, Any]:
    """The vendored CTRF JSON schema."""
    text = files("capture_order.conformance.report").joinpath("ctrf_schema/ctrf.schema.json")
    loaded: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return loaded


def _status(outcome: CaseOutcome, level: str, baseline: Applied | None) -> tuple[str, str]:
    """The CTRF status of a case, and the message saying why when it is not plain."""
    if outcome.status == Status.PASS:
        stale = baseline.stale_entry(outcome.ref) if baseline else None
        if stale is not None and baseline is not None:
            return "failed", (
                f"STALE: passes now, but {baseline.file} lists {stale.id} as an expected "
                "failure: delete that entry"
            )
        return "passed", ""
    if outcome.status == Status.FAIL:
        known = baseline.known_entry(outcome.ref) if baseline else None
        if known is not None and baseline is not None:
            return "other", f"known failure ({known.id} in {baseline.file}): {known.reason}"
        if level != "MUST":
            return "other", "WARN: a SHOULD not met (fails nothing)"
        return "failed", ""
    if outcome.status == Status.ERROR:
        return "failed", outcome.reason or "error"
    return "skipped", outcome.reason or "skipped"


def _test(result: RequirementResult, outcome: CaseOutcome, baseline: Applied | None) -> Any:
    requirement = result.requirement
    status, note = _status(outcome, requirement.level, baseline)
    findings = [(check, f) for check, f in result.findings if f.concerns(outcome.ref)]
    details = "\n\n".join(f"[{check}] {f.message()}" for check, f in findings)
    curls = [c for _, f in findings for c in f.curl]
    case = cases_by_ref().get(outcome.ref)
    labels: dict[str, Any] = {
        "requirement": requirement.id,
        "level": requirement.level,
        "case": outcome.ref.split("/", 1)[-1],
        "observable": outcome.observable,
    }
    if outcome.checks:
        labels["checks"] = list(outcome.checks)
    test: dict[str, Any] = {
        "name": outcome.ref,
        "testId": outcome.ref,
        "status": status,
        "rawStatus": outcome.status.value,
        "duration": 0,  # the judge times no single case
        "suite": [TOOL, requirement.id],
        "type": "conformance",
        "tags": [requirement.level],
        "labels": labels,
    }
    message = "\n\n".join(part for part in (note, details) if part)
    if message:
        test["message"] = message
    if curls:
        test["trace"] = "\n".join(f"Reproduce: {c}" for c in curls)
    test["extra"] = {"requirement_title": requirement.title, "case_text": case.text if case else ""}
    return test


def _epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def to_dict(report: RunReport) -> dict[str, Any]:
    """The run as a CTRF document."""
    baseline = report.baseline
    tests = [
        _test(result, outcome, baseline)
        for result in report.requirements
        for outcome in result.cases
    ]
    count = {s: sum(1 for t in tests if t["status"] == s) for s in ("passed", "failed")}
    count |= {s: sum(1 for t in tests if t["status"] == s) for s in ("skipped", "other")}
    start = _epoch_ms(report.started_at)
    duration = round(report.duration_s * 1000)
    settings = report.settings
    code = run_exit_code(report.verdict, settings.profile, report.error, baseline)
    fixtures = json.dumps(settings.fixtures_redacted(), indent=2, ensure_ascii=False) + "\n"
    extra: dict[str, Any] = {
        "verdict": report.verdict.value,
        "verdict_text": VERDICT_WORDS[report.verdict.value],
        "exit_code": code,
        "error": report.error,
        "profile": settings.profile,
        "baseline": baseline.to_dict(report.verdict, settings.profile) if baseline else None,
        # What manifest.json names, by the same digests (the fixtures file as the run wrote it).
        "manifest": {
            "file": "manifest.json",
            **contract_digests(),
            "fixtures": {"file": "fixtures.json", "sha256": sha256_bytes(fixtures.encode())},
            "suite_version": __version__,
            "seed": settings.seed,
        },
    }
    return {
        "reportFormat": "CTRF",
        "specVersion": SPEC_VERSION,
        "reportId": str(uuid.uuid4()),
        "timestamp": report.started_at,
        "generatedBy": f"{TOOL} {__version__}",
        "results": {
            "tool": {"name": TOOL, "version": __version__},
            "summary": {
                "tests": len(tests),
                **count,
                "pending": 0,
                "suites": len(report.requirements),
                "start": start,
                "stop": start + duration,
                "duration": duration,
            },
            "tests": tests,
            "environment": {"reportName": TOOL, "testEnvironment": settings.base_url},
        },
        "extra": extra,
    }


def write_ctrf(report: RunReport, path: Path) -> Path:
    """Write report.ctrf.json."""
    text = json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path

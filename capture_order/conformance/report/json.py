"""report.json: the whole run as data (config redacted)."""

from __future__ import annotations

import functools
import json
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from capture_order.conformance import __version__
from capture_order.conformance.baseline import run_exit_code
from capture_order.conformance.guard import LedgerEntry
from capture_order.conformance.inputs import InputLedger
from capture_order.conformance.manifest import contract_digests
from capture_order.conformance.runner import RunReport
from capture_order.conformance.verdict import (
    CaseOutcome,
    CheckFinding,
    CheckResult,
    RequirementResult,
    scores,
    unchecked_must_cases,
)
from capture_order.contract.catalogue import cases_by_ref, input_classes
from capture_order.contract.spec import load_spec, spec_path

VERDICT_WORDS = {
    "CONFORMANT": "Conformant: every MUST case was checked and passed.",
    "INCOMPLETE": "No failures, but incomplete: some MUST cases were not checked (listed).",
    "NOT_CONFORMANT": "Not conformant: at least one MUST requirement failed.",
    "ERROR": "Could not run completely: the run itself broke; the verdict says nothing.",
}


SCHEMA_NAME = "report.schema.json"


@functools.cache
def report_validator() -> Draft202012Validator:
    """The validator of report.json's JSON Schema, shipped with the suite beside this module."""
    text = files("capture_order.conformance.report").joinpath(SCHEMA_NAME).read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def schema_errors(data: Any) -> list[str]:
    """What in a report.json document its schema refuses, one line each (empty: valid)."""
    found = report_validator().iter_errors(data)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]


def _finding(finding: CheckFinding, check: str | None = None) -> dict[str, Any]:
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
        "cases": list(result.refs),
        "status": result.status.value,
        "reason": result.reason,
        "duration_s": round(result.duration_s, 3),
        "requests": result.requests,
        "examined": result.examined,
        "findings": [_finding(f) for f in result.findings],
    }


def _case(outcome: CaseOutcome, inputs: InputLedger | None = None) -> dict[str, Any]:
    case = cases_by_ref().get(outcome.ref)
    tried = (inputs or InputLedger()).for_case(case)
    return {
        "id": outcome.ref,
        "text": case.text if case else "",
        "status": outcome.status.value,
        "observable": outcome.observable,
        "reason": outcome.reason,
        "checks": list(outcome.checks),
        **({"inputs": tried.as_dict()} if tried else {}),
    }


def _requirement(r: RequirementResult, inputs: InputLedger) -> dict[str, Any]:
    return {
        "id": r.requirement.id,
        "level": r.requirement.level,
        "title": r.requirement.title,
        "text": r.requirement.text,
        "status": r.status.value,
        "checks": list(r.checks),
        "reason": r.reason,
        "case_summary": r.case_summary,
        "cases": [_case(c, inputs) for c in r.cases],
        "failures": [_finding(f, check) for check, f in r.findings],
    }


def _entry(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "order": entry.order,
        "source": entry.source,
        "method": entry.method,
        "status": entry.status,
        "code": entry.code,
        "variant": entry.variant,
        "refused": entry.refused,
    }


def ledger(report: RunReport) -> dict[str, Any]:
    """Every capturing request by fixture order, the refused ones, and the generated count."""
    settings = report.settings
    roles = {o.number: "order of channel A" for o in settings.orders}
    roles |= {o.number: "order of channel B" for o in settings.foreign_orders}
    roles |= {o.number: f"uncapturable ({o.code})" for o in settings.uncapturable_orders}
    sent = [e for e in report.ledger.entries if e.refused is None]
    by_order = [
        {
            "order": number,
            "role": role,
            "requests": [_entry(e) for e in sent if e.order == number],
        }
        for number, role in roles.items()
    ]
    return {
        "orders": [o for o in by_order if o["requests"]],
        "untouched": [o["order"] for o in by_order if not o["requests"]],
        "refused": [_entry(e) for e in report.ledger.refusals],
        "generated_requests": report.ledger.generated,
        "order_prefix": report.prefix,
    }


def _plan(report: RunReport) -> dict[str, Any] | None:
    plan = report.plan
    if plan is None:
        return None
    return {
        "needs": plan.needs_line(),
        "has": plan.has_line(),
        "missing": plan.missing_line(),
        "skipped_checks": [{"check": p.name, "reason": p.reason} for p in plan.skipped],
        "allowed_cases": len(plan.allowed),
        "input_classes": {
            name: [c.ref for c in cases_by_ref().values() if c.input_class == name]
            for name in input_classes()
        },
    }


def to_dict(report: RunReport) -> dict[str, Any]:
    """The report as JSON-able data."""
    info = load_spec()["info"]
    allowed = report.plan.allowed if report.plan else None
    return {
        "suite": {"name": "capture-order conformance", "version": __version__},
        "spec": {"title": info["title"], "version": info["version"], "path": spec_path().name},
        **contract_digests(),
        "schemathesis": version("schemathesis"),
        "config": report.settings.redacted(),
        "seed": report.settings.seed,
        "inputs_seed": report.inputs.seed,
        "order_prefix": report.prefix,
        "started_at": report.started_at,
        "duration_s": round(report.duration_s, 3),
        "profile": report.settings.profile,
        "verdict": report.verdict.value,
        "verdict_text": VERDICT_WORDS[report.verdict.value],
        "exit_code": run_exit_code(
            report.verdict, report.settings.profile, report.error, report.baseline
        ),
        "baseline": (
            report.baseline.to_dict(report.verdict, report.settings.profile)
            if report.baseline
            else None
        ),
        "error": report.error,
        "plan": _plan(report),
        "scores": [
            {
                "level": s.level,
                "passed": s.passed,
                "checked": s.checked,
                "percent": round(s.percent, 1),
                "counts": {k.value: v for k, v in s.counts.items()},
                "cases": s.cases,
                "cases_passed": s.passed_cases,
                "cases_allowed": s.allowed_cases,
            }
            for s in scores(report.requirements, allowed)
        ],
        "not_checked": [_case(c, report.inputs) for c in unchecked_must_cases(report.requirements)],
        "counts": {
            "checks": len(report.results),
            "semantic_requests": report.requests,
            "fuzz_cases": report.fuzz_cases,
            "fuzz_phases": report.fuzz_phases,
            "fuzz_duration_s": round(report.fuzz_duration_s, 3),
        },
        "requirements": [_requirement(r, report.inputs) for r in report.requirements],
        "checks": [_check(r) for r in report.results],
        "traffic": report.traffic,
        "ledger": ledger(report),
    }


def write_json(report: RunReport, path: Path) -> Path:
    """Write report.json."""
    path.write_text(
        json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path

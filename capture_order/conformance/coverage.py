"""Which cases of the catalogue the suite exercises: every observable one, or a lint finding.

`capture-order lint` reports these next to the contract's own lint (the command line composes
the two, so that the contract package never imports the suite).
"""

from __future__ import annotations

from capture_order.contract.catalogue import by_id, requirements
from capture_order.contract.lint.findings import LintFinding, Severity, ToolReport
from capture_order.contract.spec import OPERATION_PATH, Spec, pointer

TOOL = "suite coverage"


def covered_refs() -> frozenset[str]:
    """Every case some check, sweep or fuzzing check of the suite names."""
    from capture_order.conformance.runner import COVERED

    return COVERED


def coverage_findings(spec: Spec) -> list[LintFinding]:
    """An observable case no check exercises (error for MUST, warning for SHOULD), and checks
    that name cases the catalogue does not have."""
    covered = covered_refs()
    findings = []
    known: set[str] = set()
    for index, rule in enumerate(requirements(spec)):
        for case_index, case in enumerate(rule.cases):
            known.add(case.ref)
            if case.observable and case.ref not in covered:
                severity: Severity = "error" if rule.level == "MUST" else "warning"
                where = pointer("x-requirements", index, "cases", case_index)
                findings.append(LintFinding(severity, where, f"{case.ref}: no check exercises it"))
    extra = set(by_id(spec)) | {"RUN-RT-01/within-limit"}
    findings += [
        LintFinding("error", "conformance", f"a check names {ref}, which is not in the catalogue")
        for ref in sorted(covered - known - extra)
    ]
    return findings


def coverage_report(spec: Spec) -> ToolReport:
    """The suite's coverage of the spec's cases, as a lint tool's report."""
    if OPERATION_PATH not in spec.get("paths", {}):
        # Another document (the sandbox's control API): its rules are the server's tests' job.
        return ToolReport(TOOL, skipped="not the capture contract; the suite checks that one")
    return ToolReport(TOOL, tuple(coverage_findings(spec)))

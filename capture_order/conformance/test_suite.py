"""The conformance run as pytest tests: one per case of every rule (run only on request)."""

from __future__ import annotations

import pytest

from capture_order.conformance.conftest import flags
from capture_order.conformance.fixtures import FixturesError
from capture_order.conformance.options import OptionError
from capture_order.conformance.runner import RunReport
from capture_order.conformance.verdict import Status
from capture_order.contract.catalogue import requirements


@pytest.fixture(scope="session")
def conformance_run(pytestconfig: pytest.Config) -> RunReport:
    """The whole suite, run once against --base-url (reports written when --report-dir is set)."""
    from capture_order.conformance.report import write_reports
    from capture_order.conformance.runner import run
    from capture_order.conformance.settings import resolve

    try:
        settings = resolve(flags(pytestconfig))
    except (FixturesError, OptionError) as exc:
        pytest.exit(f"capture-order conformance: cannot run: {exc}", returncode=2)
    report = run(settings, lambda line: None)
    if settings.report_dir is not None:
        write_reports(report, settings.report_dir)
    if report.error is not None:
        pytest.exit(f"capture-order conformance: cannot run: {report.error}", returncode=2)
    return report


CASES = [(r.id, c.ref) for r in requirements() for c in r.cases]


@pytest.mark.parametrize(("requirement_id", "case"), CASES, ids=[ref for _, ref in CASES])
def test_case(conformance_run: RunReport, requirement_id: str, case: str) -> None:
    result = next(r for r in conformance_run.requirements if r.requirement.id == requirement_id)
    outcome = next(c for c in result.cases if c.ref == case)
    if outcome.status == Status.SKIP:
        pytest.skip(outcome.reason)
    if outcome.status == Status.ERROR:
        pytest.fail(f"ERROR: {outcome.reason or result.reason}", pytrace=False)
    details = "\n\n".join(
        f"[{check}] {finding.message()}" + "".join(f"\nReproduce: {c}" for c in finding.curl)
        for check, finding in result.findings
        if finding.concerns(case)
    )
    # A SHOULD that fails is a WARN: reported, not failed, as in the CLI's verdict.
    assert outcome.status == Status.PASS or result.requirement.level != "MUST", details

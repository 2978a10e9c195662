"""The conformance run as pytest tests: one per requirement of the spec (run only on request)."""

from __future__ import annotations

import pytest

from conformance.conftest import flags
from conformance.fixtures import FixturesError
from conformance.options import OptionError
from conformance.runner import RunReport
from conformance.verdict import Status
from contract.catalogue import requirements


@pytest.fixture(scope="session")
def conformance_run(pytestconfig: pytest.Config) -> RunReport:
    """The whole suite, run once against --base-url (reports written when --report-dir is set)."""
    from conformance.report import write_reports
    from conformance.runner import run
    from conformance.settings import resolve

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


@pytest.mark.parametrize("requirement_id", [r.id for r in requirements()])
def test_requirement(conformance_run: RunReport, requirement_id: str) -> None:
    result = next(r for r in conformance_run.requirements if r.requirement.id == requirement_id)
    if result.status == Status.SKIP:
        pytest.skip(result.reason)
    details = "\n\n".join(
        f"[{check}] {finding.message()}" + "".join(f"\nReproduce: {c}" for c in finding.curl)
        for check, finding in result.findings
    )
    if result.status == Status.ERROR:
        pytest.fail(f"ERROR: {result.reason}", pytrace=False)
    # A SHOULD that fails is a WARN: reported, not failed, as in the CLI's verdict.
    assert result.status in (Status.PASS, Status.WARN), details

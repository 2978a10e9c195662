"""Report files: report.json, junit.xml, report.ctrf.json, report.html, fixtures, manifest."""

from __future__ import annotations

from pathlib import Path

from capture_order.conformance.manifest import write_fixtures, write_manifest
from capture_order.conformance.report.ctrf import write_ctrf
from capture_order.conformance.report.html import write_html
from capture_order.conformance.report.json import write_json
from capture_order.conformance.report.junit import write_junit
from capture_order.conformance.runner import RunReport, not_run_report
from capture_order.conformance.settings import Settings


def write_reports(report: RunReport, directory: Path) -> list[Path]:
    """Write every report into the directory (created if needed), the manifest last."""
    directory.mkdir(parents=True, exist_ok=True)
    files = [
        write_json(report, directory / "report.json"),
        write_junit(report, directory / "junit.xml"),
        write_ctrf(report, directory / "report.ctrf.json"),
        write_html(report, directory / "report.html"),
        write_fixtures(report.settings.fixtures_redacted(), directory),
    ]
    return [*files, write_manifest(directory, files, report.settings.seed)]


def write_not_run(settings: Settings, error: str) -> list[Path]:
    """The reports of a run that could not start (settings.report_dir set): every case SKIP."""
    assert settings.report_dir is not None
    return write_reports(not_run_report(settings, error), settings.report_dir)

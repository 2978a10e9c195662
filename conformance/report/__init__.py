"""Report files: report.json, junit.xml and report.html."""

from __future__ import annotations

from pathlib import Path

from conformance.report.html import write_html
from conformance.report.json import write_json
from conformance.report.junit import write_junit
from conformance.runner import RunReport


def write_reports(report: RunReport, directory: Path) -> list[Path]:
    """Write the three reports into the directory (created if needed); return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_json(report, directory / "report.json"),
        write_junit(report, directory / "junit.xml"),
        write_html(report, directory / "report.html"),
    ]

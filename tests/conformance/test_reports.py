"""report.json, junit.xml and report.html written to real files from a run's results."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.report import write_reports
from conformance.runner import RunReport
from conformance.settings import Settings
from conformance.verdict import CheckResult, Finding, Status, overall, requirement_verdict
from contract.catalogue import requirements

TOKEN = "Token secret-token-abcdef"
CURL = (
    "curl -sS -i -X POST 'http://h/api/v1/capture-order/' "
    '-H "Authorization: $CAPTURE_ORDER_TOKEN"'
)


def _report() -> RunReport:
    settings = Settings(base_url="http://127.0.0.1:1", token=TOKEN, seed=5, seed_given=True)
    finding = Finding(
        "CO-CAP-05", "Second full capture was not refused", "409", "200 <script>", (CURL,)
    )
    results = [
        CheckResult("second_capture_is_conflict", ("CO-CAP-05",), Status.FAIL, (finding,)),
        CheckResult("full_capture_is_visible", ("CO-CAP-01",), Status.PASS),
        CheckResult(
            "uncapturable_orders_are_conflict",
            ("CO-CAP-06",),
            Status.SKIP,
            reason="needs uncapturable_orders",
        ),
    ]
    report = RunReport(settings, "2026-01-01T00:00:00+00:00", duration_s=1.5, results=results)
    report.requirements = [requirement_verdict(r, results) for r in requirements()]
    report.verdict = overall(report.requirements)
    return report


def test_three_reports_are_written_and_parse(tmp_path: Path) -> None:
    paths = write_reports(_report(), tmp_path / "out")
    assert sorted(p.name for p in paths) == ["junit.xml", "report.html", "report.json"]
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["requirements"]] == [r.id for r in requirements()]
    assert data["seed"] == 5 and data["suite"]["version"] and data["spec"]["version"] == "1.0.0"
    cap05 = next(r for r in data["requirements"] if r["id"] == "CO-CAP-05")
    assert cap05["status"] == "FAIL" and cap05["failures"][0]["curl"] == [CURL]
    suite = ET.parse(tmp_path / "out" / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == str(len(requirements()))
    assert len(suite.findall("testcase/failure")) == 1


def test_reports_never_contain_the_token(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    for name in ("report.json", "junit.xml", "report.html"):
        assert "secret-token-abcdef" not in (tmp_path / name).read_text(encoding="utf-8")


def test_html_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.replace("&lt;script&gt;", "")
    assert "http://" not in html.replace("http://127.0.0.1:1", "").replace("http://h/", "")
    assert "Not conformant" in html and "<details open>" in html
    assert "CO-CAP-05" in html and "needs uncapturable_orders" in html


def test_html_report_shows_the_rules_code_spans_as_code(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<code>WWW-Authenticate</code>" in html
    assert "`" not in html.split("<body", 1)[1]

"""The report files written from a run's results: parse, redact, and verify against the manifest."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from capture_order.conformance.manifest import verify
from capture_order.conformance.report import write_reports
from capture_order.conformance.runner import RunReport, plan_for
from capture_order.conformance.settings import Settings
from capture_order.conformance.verdict import (
    CheckFinding,
    CheckResult,
    Status,
    case_outcomes,
    overall,
)
from capture_order.conformance.verdict import requirement_verdict as verdict_of
from capture_order.contract.catalogue import requirements
from capture_order.contract.spec import load_spec
from tests.harness import ROOT, read_report

TOKEN = "Token secret-token-abcdef"
CURL = (
    "curl -sS -i -X POST 'http://h/api/v1/capture-order/' "
    '-H "Authorization: $CAPTURE_ORDER_TOKEN"'
)
REPORT_FILES = [
    "fixtures.json",
    "junit.xml",
    "manifest.json",
    "report.ctrf.json",
    "report.html",
    "report.json",
]


def _result(
    name: str,
    refs: tuple[str, ...],
    status: Status,
    findings: tuple[CheckFinding, ...] = (),
    reason: str = "",
) -> CheckResult:
    result = CheckResult(name, refs, status, findings, reason)
    return replace(result, outcomes=case_outcomes(result))


def _report() -> RunReport:
    settings = Settings(base_url="http://127.0.0.1:1", token=TOKEN, seed=5, seed_given=True)
    finding = CheckFinding(
        "CO-CAP-05/second-capture",
        "Second full capture was not refused",
        "409",
        "200 <script>",
        (CURL,),
    )
    results = [
        _result(
            "second_capture_is_conflict",
            ("CO-CAP-05/second-capture",),
            Status.FAIL,
            findings=(finding,),
        ),
        _result("full_capture_is_visible", ("CO-CAP-01/whole-order",), Status.PASS),
        _result(
            "uncapturable_orders_are_conflict",
            ("CO-CAP-06/cancelled",),
            Status.SKIP,
            reason="needs uncapturable_orders",
        ),
    ]
    report = RunReport(settings, "2026-01-01T00:00:00+00:00", duration_s=1.5, results=results)
    report.plan = plan_for(settings)
    report.requirements = [verdict_of(r, results) for r in requirements()]
    report.verdict = overall(report.requirements)
    return report


def test_every_report_file_is_written_and_parses(tmp_path: Path) -> None:
    paths = write_reports(_report(), tmp_path / "out")
    assert sorted(p.name for p in paths) == REPORT_FILES
    data = read_report(tmp_path / "out" / "report.json")
    assert [r["id"] for r in data["requirements"]] == [r.id for r in requirements()]
    assert data["seed"] == 5 and data["suite"]["version"]
    assert data["spec"]["version"] == load_spec()["info"]["version"]
    assert data["verdict"] == "NOT_CONFORMANT" and data["exit_code"] == 1
    cap05 = next(r for r in data["requirements"] if r["id"] == "CO-CAP-05")
    assert cap05["status"] == "FAIL" and cap05["failures"][0]["curl"] == [CURL]
    assert cap05["case_summary"] == "0/1 cases (1 FAIL)"
    suite = ET.parse(tmp_path / "out" / "junit.xml").getroot().find("testsuite")
    cases = sum(len(r.cases) for r in requirements())
    assert suite is not None and suite.get("tests") == str(cases)
    assert len(suite.findall("testcase/failure")) == 1


def test_reports_never_contain_the_token(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    for name in REPORT_FILES:
        assert "secret-token-abcdef" not in (tmp_path / name).read_text(encoding="utf-8")


def test_html_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.replace("&lt;script&gt;", "")
    assert "http://" not in html.replace("http://127.0.0.1:1", "").replace("http://h/", "")
    assert "Not conformant" in html and "<details open>" in html
    assert "CO-CAP-05" in html and "needs uncapturable_orders" in html
    assert "Safety ledger" in html and "index" in html


def test_html_report_shows_the_rules_code_spans_as_code(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<code>WWW-Authenticate</code>" in html
    assert "`" not in html.split("<body", 1)[1]


def test_verify_passes_on_the_files_as_written(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    lines = verify(tmp_path)
    assert all(line.ok for line in lines), lines
    assert {f"{name}: sha256 matches" for name in REPORT_FILES if name != "manifest.json"} <= {
        line.text for line in lines
    }


@pytest.mark.parametrize("name", ["report.json", "junit.xml", "report.html", "fixtures.json"])
def test_verify_fails_on_one_changed_byte_of_any_report_file(tmp_path: Path, name: str) -> None:
    write_reports(_report(), tmp_path)
    path = tmp_path / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    failed = [line.text for line in verify(tmp_path) if not line.ok]
    assert f"{name}: sha256 differs" in failed


def test_verify_command_exit_codes(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path / "run")
    command = [sys.executable, "-m", "capture_order", "conformance", "verify"]
    good = subprocess.run(
        [*command, str(tmp_path / "run")], cwd=ROOT, capture_output=True, text=True
    )
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.splitlines()[-1].endswith("every file as the run wrote it")
    (tmp_path / "run" / "junit.xml").write_text("<x/>", encoding="utf-8")
    bad = subprocess.run(
        [*command, str(tmp_path / "run")], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 1 and "FAIL junit.xml: sha256 differs" in bad.stdout
    none = subprocess.run([*command, str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert none.returncode == 2
    assert none.stderr.strip().splitlines() == [
        f"capture-order conformance verify: no manifest.json in {tmp_path}"
    ]

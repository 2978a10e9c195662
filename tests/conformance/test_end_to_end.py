"""The suite against the real reference server: conformant, covered, reported; exit 2 if down."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contract.catalogue import requirements
from tests.harness import (
    REFERENCE_VERDICTS,
    ROOT,
    Reference,
    free_port,
    run_suite,
)

pytestmark = pytest.mark.slow


def test_reference_server_is_conformant_with_reports(reference: Reference, tmp_path: Path) -> None:
    fixtures = reference.seed()
    outcome = run_suite(
        "--fixtures", str(fixtures), "--seed", "3", "--max-examples", "30", report_dir=tmp_path
    )
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert "Verdict: CONFORMANT" in outcome.stdout
    report = outcome.report
    assert report is not None
    verdicts = {r["id"]: r["status"] for r in report["requirements"]}
    assert set(verdicts) == {r.id for r in requirements()}
    assert {i: s for i, s in verdicts.items() if s != "PASS"} == REFERENCE_VERDICTS
    assert report["counts"]["fuzz_cases"] > 50
    assert ET.parse(tmp_path / "junit.xml").getroot().tag == "testsuites"
    assert "Conformant" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_refused_token_is_exit_2_with_the_reason(reference: Reference, tmp_path: Path) -> None:
    outcome = run_suite(
        "--base-url",
        reference.base_url,
        "--token",
        "Token unknown-but-irrelevant",
        "--only",
        "full_capture_is_visible,uncapturable_orders_are_conflict",
        report_dir=tmp_path,
    )
    assert outcome.returncode == 2, outcome.stdout + outcome.stderr
    assert "token is refused" in outcome.stderr


def test_missing_fixtures_make_checks_skip(reference: Reference, tmp_path: Path) -> None:
    fixtures = reference.seed(orders=1, items=1)
    outcome = run_suite(
        "--fixtures",
        str(fixtures),
        "--only",
        "full_capture_is_visible,partial_capture_captures_exactly_the_listed_items,uncapturable_orders_are_conflict",
        report_dir=tmp_path,
    )
    assert outcome.report is not None
    checks = {c["name"]: c for c in outcome.report["checks"]}
    assert checks["full_capture_is_visible"]["status"] == "PASS"
    partial = checks["partial_capture_captures_exactly_the_listed_items"]
    assert partial["status"] == "SKIP" and "at least 2 item(s)" in partial["reason"]
    assert checks["uncapturable_orders_are_conflict"]["status"] == "PASS"


def test_nothing_listening_is_exit_2_with_one_line(tmp_path: Path) -> None:
    outcome = run_suite(
        "--base-url", f"http://127.0.0.1:{free_port()}", "--token", "Token x-123456"
    )
    assert outcome.returncode == 2
    assert len(outcome.stderr.strip().splitlines()) == 1
    assert "cannot reach" in outcome.stderr


def test_same_seed_generates_the_same_cases(reference: Reference, tmp_path: Path) -> None:
    counts = []
    for run in range(2):
        fixtures = reference.seed(orders=4)
        outcome = run_suite(
            "--fixtures",
            str(fixtures),
            "--seed",
            "11",
            "--max-examples",
            "15",
            "--only",
            "schema_fuzzing",
            report_dir=tmp_path / str(run),
        )
        assert outcome.report is not None
        counts.append(outcome.report["counts"]["fuzz_phases"])
    assert counts[0] == counts[1]


def test_suite_runs_as_plain_pytest_with_the_same_options(reference: Reference) -> None:
    fixtures = reference.seed()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "conformance/test_suite.py",
            "-q",
            "-p",
            "no:cacheprovider",
            "--fixtures-file",
            str(fixtures),
            "--seed",
            "5",
            "--max-examples",
            "10",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # A WARN passes there, as in the CLI's verdict; only CO-IDEM-04 is skipped.
    assert f"{len(requirements()) - 1} passed, 1 skipped" in done.stdout

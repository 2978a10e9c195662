"""report.ctrf.json (and junit.xml): every case of every rule, valid CTRF, in every run."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from capture_order.conformance.baseline import Baseline, Entry
from capture_order.conformance.report import write_reports
from capture_order.conformance.runner import RunReport, catalogue, plan_for
from capture_order.conformance.settings import Settings
from capture_order.conformance.verdict import (
    CheckFinding,
    CheckResult,
    Status,
    case_outcomes,
    overall,
    requirement_verdict,
)
from capture_order.contract.catalogue import requirements
from tests.ctrf_validation import valid_ctrf
from tests.harness import Reference, free_port, run_suite

TOKEN = "Token ctrf-secret-0123456789"
SCHEMA_DIR = files("capture_order.conformance.report").joinpath("ctrf_schema")


def _judged(
    name: str, ref: str, status: Status, finding: CheckFinding | None = None
) -> CheckResult:
    result = CheckResult(name, (ref,), status, (finding,) if finding else (), "needs orders")
    return replace(result, outcomes=case_outcomes(result))


def _should_ref() -> str:
    return next(c.ref for r in requirements() if r.level == "SHOULD" for c in r.observable)


def _must_refs(n: int) -> list[str]:
    return [c.ref for r in requirements() if r.level == "MUST" for c in r.observable][:n]


def _report(baseline: Baseline | None = None) -> RunReport:
    """A run with a MUST failure, a SHOULD failure, a pass and a skip, as the judge leaves it."""
    settings = Settings(base_url="http://127.0.0.1:1", token=TOKEN, seed=11, seed_given=True)
    failed, passed, skipped = _must_refs(3)
    should = _should_ref()
    results = [
        _judged("a", failed, Status.FAIL, CheckFinding(failed, "Broke", "409", "200", ("curl x",))),
        _judged("b", should, Status.FAIL, CheckFinding(should, "Unwise", "a", "b")),
        _judged("c", passed, Status.PASS),
        _judged("d", skipped, Status.SKIP),
    ]
    report = RunReport(settings, "2026-12-07T11:00:00+00:00", duration_s=2.5, results=results)
    report.plan = plan_for(settings)
    report.requirements = [requirement_verdict(r, results) for r in catalogue(settings)]
    report.verdict = overall(report.requirements)
    if baseline is not None:
        report.baseline = baseline.apply(report.requirements)
    return report


def _by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in document["results"]["tests"]}


def _every_case() -> list[str]:
    return [c.ref for r in requirements() for c in r.cases]


def test_the_vendored_schema_is_the_file_its_note_names() -> None:
    note = SCHEMA_DIR.joinpath("SOURCE.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(SCHEMA_DIR.joinpath("ctrf.schema.json").read_bytes()).hexdigest()
    assert f"sha256 {digest}" in note
    assert re.search(r"commit\s+[0-9a-f]{40}", note)
    assert "MIT License" in SCHEMA_DIR.joinpath("LICENSE").read_text(encoding="utf-8")


def test_ctrf_report_is_valid_and_holds_one_test_per_case(tmp_path: Path) -> None:
    report = _report()
    write_reports(report, tmp_path)
    document = valid_ctrf(tmp_path / "report.ctrf.json")
    tests = _by_name(document)
    assert list(tests) == _every_case()
    summary = document["results"]["summary"]
    assert summary["tests"] == len(_every_case())
    for status in ("passed", "failed", "skipped", "other"):
        assert summary[status] == sum(1 for t in tests.values() if t["status"] == status)
    failed, passed, skipped = _must_refs(3)
    assert tests[failed]["status"] == "failed" and "Broke" in str(tests[failed]["message"])
    assert tests[failed]["trace"] == "Reproduce: curl x"
    assert tests[passed]["status"] == "passed" and "message" not in tests[passed]
    assert tests[skipped]["status"] == "skipped" and tests[skipped]["message"]
    should = tests[_should_ref()]
    assert (should["status"], should["rawStatus"]) == ("other", "FAIL")
    assert should["labels"]["level"] == "SHOULD"
    # Every skip says why: none is a bare "skipped".
    assert all(t["message"] for t in tests.values() if t["status"] == "skipped")


def test_ctrf_labels_carry_requirement_level_and_case(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    tests = _by_name(valid_ctrf(tmp_path / "report.ctrf.json"))
    for requirement in requirements():
        for case in requirement.cases:
            labels = tests[case.ref]["labels"]
            assert labels["requirement"] == requirement.id
            assert labels["level"] == requirement.level
            assert labels["case"] == case.id
            assert tests[case.ref]["suite"][-1] == requirement.id


def test_ctrf_extra_holds_the_verdict_and_what_the_manifest_names(tmp_path: Path) -> None:
    write_reports(_report(), tmp_path)
    extra = valid_ctrf(tmp_path / "report.ctrf.json")["extra"]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert extra["verdict"] == "NOT_CONFORMANT" and extra["exit_code"] == 1
    named = extra["manifest"]
    assert named["contract"] == manifest["contract"]
    assert named["catalogue"] == manifest["catalogue"]
    assert named["fixtures"]["sha256"] == manifest["fixtures"]["sha256"]
    assert named["seed"] == manifest["seed"] == 11
    # The manifest covers the CTRF file, so `verify` catches an edited one.
    assert "report.ctrf.json" in manifest["files"]
    assert TOKEN.split()[-1] not in (tmp_path / "report.ctrf.json").read_text(encoding="utf-8")


def test_baseline_marks_known_failures_other_and_stale_passes_failed(tmp_path: Path) -> None:
    failed, passed, _ = _must_refs(3)
    baseline = Baseline("baseline.toml", (Entry(failed, "ticket 1"), Entry(passed, "ticket 2")))
    write_reports(_report(baseline), tmp_path)
    tests = _by_name(valid_ctrf(tmp_path / "report.ctrf.json"))
    assert (tests[failed]["status"], tests[failed]["rawStatus"]) == ("other", "FAIL")
    assert "ticket 1" in str(tests[failed]["message"])
    assert (tests[passed]["status"], tests[passed]["rawStatus"]) == ("failed", "PASS")
    assert "STALE" in str(tests[passed]["message"]) and passed in str(tests[passed]["message"])
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases[failed].find("skipped") is not None
    stale = cases[passed].find("failure")
    assert stale is not None and "STALE" in (stale.get("message") or "")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["baseline"]["outcome"] == "STALE" and report["exit_code"] == 1
    assert "STALE BASELINE · baseline.toml lists" in (tmp_path / "report.html").read_text("utf-8")


def _junit_cases(path: Path) -> dict[str, ET.Element]:
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    return {c.get("name") or "": c for c in suite.iter("testcase")}


def _assert_every_case_skipped_saying(directory: Path, reason: str) -> None:
    tests = _by_name(valid_ctrf(directory / "report.ctrf.json"))
    assert list(tests) == _every_case()
    assert {t["status"] for t in tests.values()} == {"skipped"}
    assert all(reason in str(t["message"]) for t in tests.values())
    extra = valid_ctrf(directory / "report.ctrf.json")["extra"]
    assert extra["verdict"] == "ERROR" and extra["exit_code"] == 2
    cases = _junit_cases(directory / "junit.xml")
    for ref in _every_case():
        skipped = cases[ref].find("skipped")
        assert skipped is not None and reason in (skipped.get("message") or ""), ref
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in report["requirements"]] == [r.id for r in requirements()]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((), "cannot reach"),
        (("--fixtures", "{tmp}/absent.json"), "absent.json"),
        (("--expected-failures", "{tmp}/absent.toml"), "bad baseline: "),
        (("--traffic", "{tmp}/absent.har"), "cannot judge: "),
    ],
    ids=["nothing-answers", "no-fixtures-file", "no-baseline-file", "no-traffic-file"],
)
def test_a_run_that_cannot_start_still_reports_every_case_skipped(
    tmp_path: Path, args: tuple[str, ...], reason: str
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    given = [a.format(tmp=tmp_path) for a in args]
    outcome = run_suite("--base-url", url, *given, report_dir=tmp_path / "out")
    assert outcome.returncode == 2, outcome.stdout + outcome.stderr
    assert "Traceback" not in outcome.stderr
    _assert_every_case_skipped_saying(tmp_path / "out", reason)


@pytest.mark.slow
def test_a_refused_token_still_reports_every_case_skipped(
    reference: Reference, tmp_path: Path
) -> None:
    fixtures = json.loads(reference.seed(orders=2, items=1).read_text(encoding="utf-8"))
    fixtures["token"] = "Token not-a-key-of-this-server-42"
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(fixtures), encoding="utf-8")
    outcome = run_suite("--fixtures", str(path), report_dir=tmp_path / "out")
    assert outcome.returncode == 2, outcome.stdout + outcome.stderr
    assert "token is refused" in outcome.stderr
    _assert_every_case_skipped_saying(tmp_path / "out", "token is refused")

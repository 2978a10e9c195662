"""The active suite's run, recorded through the proxy in front of the reference server, judged."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from capture_order.conformance.settings import Settings, resolve
from capture_order.conformance.traffic.run import judge_file
from capture_order.contract.catalogue import requirements
from tests.harness import PYTHON, ROOT, Reference, read_report
from tests.traffic.recording import Recorded, record_run

pytestmark = pytest.mark.slow
TIMING = ("CO-IDEM-03", "CO-CONC-01")
WITHOUT_FACTS = ("CO-CAP-06", "CO-IDEM-04")
SCHEMA = ROOT / "capture_order" / "conformance" / "traffic" / "exchange.schema.json"


@pytest.fixture(scope="module")
def clean(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """One run of the suite (fuzzing included) through the recording proxy."""
    return record_run(reference, tmp_path_factory.mktemp("clean"), None, "--max-examples", "10")


def test_reference_traffic_is_conformant_with_no_fail_and_no_warn(clean: Recorded) -> None:
    assert clean.suite.returncode == 0, clean.suite.stdout[-3000:]
    verdicts = clean.verdicts()
    assert {i: s for i, s in verdicts.items() if s in ("FAIL", "WARN", "ERROR")} == {}
    skipped = {i for i, s in verdicts.items() if s == "SKIP"}
    # Without the fixtures' facts: the rules a recording alone cannot show (an order's state
    # before the traffic, a retention of 7 days), and what depends on timing.
    assert skipped <= {*WITHOUT_FACTS, *TIMING}, skipped


def test_recording_redacts_tokens_and_follows_the_schema(clean: Recorded) -> None:
    text = clean.record.read_text(encoding="utf-8")
    keys = [str(clean.fixtures[t]).split(" ", 1)[-1] for t in ("token", "foreign_token")]
    assert not any(key in text for key in keys)
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    lines = text.splitlines()
    assert len(lines) > 250
    for line in lines:
        validator.validate(json.loads(line))
    assert "<redacted:ch-" in lines[0]


def test_command_line_judges_the_recording_with_reports(clean: Recorded, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            PYTHON,
            "-m",
            "capture_order",
            "conformance",
            "--traffic",
            str(clean.record),
            "--report-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = read_report(tmp_path / "report.json")
    covered = report["traffic"]["covered"]
    total = len(requirements())
    # Traffic never shows every rule (NOT_FROM_TRAFFIC): no failures, but incomplete, exit 0.
    assert "Verdict: NO FAILURES, BUT INCOMPLETE" in done.stdout
    must = report["traffic"]["cases"]["MUST"]
    assert f"Covered: MUST cases {must['covered']}/{must['of']}" in done.stdout
    assert f"({covered} of {total} requirements)" in done.stdout
    assert covered >= total - len(WITHOUT_FACTS) - len(TIMING)
    assert report["traffic"]["format"] == "ndjson"
    assert (tmp_path / "junit.xml").exists()
    assert f"{covered}/{total} " in (tmp_path / "report.html").read_text(encoding="utf-8")


def _cases(requirements: list[Any]) -> dict[str, str]:
    return {c.ref: c.status.value for r in requirements for c in r.cases}


def test_an_active_run_and_its_recorded_traffic_agree_on_every_case_both_judged(
    clean: Recorded,
) -> None:
    assert clean.suite.report is not None
    active = {c["id"]: c["status"] for r in clean.suite.report["requirements"] for c in r["cases"]}
    with_facts = resolve({"fixtures": str(clean.fixtures_path)}, env={})
    for settings in (Settings(base_url="traffic", seed=0), with_facts):
        traffic = _cases(judge_file(clean.record, settings).requirements)
        both = {ref for ref, status in active.items() if "SKIP" not in (status, traffic[ref])}
        assert {ref: traffic[ref] for ref in both} == {ref: active[ref] for ref in both}
        judged = sum(1 for status in active.values() if status != "SKIP")
        # The same judge: with the fixtures' facts the recording shows nearly everything.
        if settings is with_facts:
            assert len(both) >= 0.9 * judged, sorted(set(active) - both)

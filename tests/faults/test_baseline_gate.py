"""The three outcomes of a baseline, against the reference server behind a real fault.

A known gap listed in the baseline: exit 0, the verdict still NOT CONFORMANT and saying so. An
unlisted failure: exit 1, named. A listed case that passes (the reference server without the
fault): stale, exit 1, naming the entry to delete. The baseline is the one `--write-baseline`
wrote from the faulty run, its placeholder reasons refused until filled.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from capture_order.conformance.baseline import PLACEHOLDER
from tests.ctrf_validation import valid_ctrf
from tests.faults.matrix import SEED
from tests.faults.proxy import running_proxy
from tests.faults.registry import FAULTS
from tests.harness import Reference, SuiteRun, loopback_socket, run_suite, url_of

pytestmark = pytest.mark.slow

FAULT = "capture_changes_status"  # a MUST fault: every capture reports the order as paid


def _run(reference: Reference, fault: str | None, report_dir: Path, *args: str) -> SuiteRun:
    """The suite (semantic checks and sweeps) through the fault proxy, with fresh orders."""
    with loopback_socket() as sock:
        fixtures_path = reference.seed(orders=20, items=3, base_url=url_of(sock))
        fixtures = json.loads(fixtures_path.read_text(encoding="utf-8"))
        with running_proxy(reference.base_url, fault, fixtures, sock):
            return run_suite(
                "--fixtures",
                str(fixtures_path),
                "--seed",
                SEED,
                "--skip",
                "schema_fuzzing",
                *args,
                report_dir=report_dir,
            )


def _entries(path: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = tomllib.loads(path.read_text("utf-8"))["expected_failures"]
    return entries


@pytest.fixture(scope="module")
def written(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The baseline --write-baseline writes from the faulty run, reasons filled in afterwards."""
    tmp = tmp_path_factory.mktemp("baseline")
    path = tmp / "baseline.toml"
    outcome = _run(reference, FAULT, tmp / "write", "--write-baseline", str(path))
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert f"to {path}: fill in each reason" in outcome.stdout
    ids = [e["id"] for e in _entries(path)]
    assert ids and all(e["reason"] == PLACEHOLDER for e in _entries(path))
    for requirement in FAULTS[FAULT].requirements:
        assert any(i.split("/")[0] == requirement for i in ids), ids
    refused = run_suite("--base-url", reference.base_url, "--expected-failures", str(path))
    assert refused.returncode == 2 and "still the placeholder" in refused.stderr
    text = path.read_text("utf-8").replace(PLACEHOLDER, "paid status: ticket PAY-1, until Q1")
    path.write_text(text, encoding="utf-8")
    return path


def test_a_listed_known_gap_turns_the_run_green(
    reference: Reference, written: Path, tmp_path: Path
) -> None:
    outcome = _run(reference, FAULT, tmp_path, "--expected-failures", str(written))
    context = outcome.stdout[-4000:] + outcome.stderr[-2000:]
    assert outcome.returncode == 0, context
    n = len(_entries(written))
    known = f"{n} known failure{'' if n == 1 else 's'} from {written}; no new failure · exit 0"
    assert f"NOT CONFORMANT · {known}" in outcome.stdout, context
    assert outcome.report is not None
    assert outcome.report["verdict"] == "NOT_CONFORMANT" and outcome.report["exit_code"] == 0
    assert outcome.report["baseline"]["outcome"] == "NO_NEW_FAILURES"
    tests = {t["name"]: t for t in valid_ctrf(tmp_path / "report.ctrf.json")["results"]["tests"]}
    for entry in _entries(written):
        listed = [t for name, t in tests.items() if name.startswith(entry["id"])]
        assert any(t["rawStatus"] == "FAIL" and t["status"] == "other" for t in listed)


def test_an_unlisted_failure_keeps_the_run_red(
    reference: Reference, written: Path, tmp_path: Path
) -> None:
    entries = _entries(written)
    dropped, kept = entries[0], entries[1:]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"expected_failures": kept}), encoding="utf-8")
    outcome = _run(reference, FAULT, tmp_path / "out", "--expected-failures", str(partial))
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert outcome.report is not None and outcome.report["baseline"]["outcome"] == "NEW_FAILURES"
    assert any(ref.startswith(dropped["id"]) for ref in outcome.report["baseline"]["new"])
    assert f"not in {partial}: " in outcome.stdout and dropped["id"] in outcome.stdout


def test_a_listed_case_that_passes_on_the_reference_server_is_stale(
    reference: Reference, written: Path, tmp_path: Path
) -> None:
    outcome = _run(reference, None, tmp_path, "--expected-failures", str(written))
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert outcome.report is not None and outcome.report["baseline"]["outcome"] == "STALE"
    assert "STALE BASELINE" in outcome.stdout
    for entry in _entries(written):
        assert f"delete the entry {entry['id']!r} from {written}" in outcome.stdout
    tests = valid_ctrf(tmp_path / "report.ctrf.json")["results"]["tests"]
    stale = [t for t in tests if t["rawStatus"] == "PASS" and t["status"] == "failed"]
    assert stale and all("STALE" in t["message"] for t in stale)

"""The suite against the reference server behind one injected fault: exit 1, the right FAIL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conformance.reference import Reference, free_port, run_suite
from tests.faults.proxy import running_proxy
from tests.faults.registry import FAULTS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_suite_reports_fault_with_reproduction(
    reference: Reference, tmp_path: Path, fault_name: str
) -> None:
    port = free_port()
    fixtures_path = reference.seed(base_url=f"http://127.0.0.1:{port}")
    fixtures = json.loads(fixtures_path.read_text(encoding="utf-8"))
    tokens = (fixtures["token"], fixtures["foreign_token"])
    with running_proxy(reference.base_url, fault_name, tokens, port):
        outcome = run_suite(
            "--fixtures",
            str(fixtures_path),
            "--seed",
            "7",
            "--max-examples",
            "20",
            report_dir=tmp_path,
        )
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    assert outcome.report is not None
    verdicts = {r["id"]: r for r in outcome.report["requirements"]}
    expected = FAULTS[fault_name].requirements
    failed = [i for i in expected if verdicts[i]["status"] == "FAIL"]
    assert failed, f"none of {expected} failed: " + outcome.stdout
    failure = verdicts[failed[0]]["failures"][0]
    assert failure["curl"] and failure["curl"][0].startswith("curl ")
    assert fixtures["token"] not in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Expected:" in outcome.stdout and "Reproduce: curl" in outcome.stdout

"""The mutation killer: the conformance suite run against the (possibly mutated) reference server.

mutmut runs this test once per mutant with the mutant switched on in this process; the server
runs in a thread of the same process, so the mutant is live in every request it answers.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main as conformance_main
from tests.mutation.inprocess import reference_server_thread

# Set by `make mutation`; without it the killer is skipped, so `make test` never runs it.
ENABLE_VARIABLE = "CAPTURE_ORDER_MUTATION"
# Where each run leaves its outcome (one JSON file per mutant), when set.
OUTCOMES_VARIABLE = "CAPTURE_ORDER_MUTATION_OUTCOMES"

# A fixed budget: the same generated cases for every mutant, so kills are reproducible.
SEED = 20261127
MAX_EXAMPLES = 10
# The suite needs 13 capturable orders (each mutating check takes its own); the rest is slack.
ORDERS = 20
ITEMS = 3

pytestmark = pytest.mark.skipif(
    os.environ.get(ENABLE_VARIABLE) != "1",
    reason=f"mutation killer: runs under `make mutation` ({ENABLE_VARIABLE}=1)",
)


def _record_outcome(exit_code: int, report: dict[str, Any] | None) -> None:
    """Leave which checks did not pass, so the report can say what killed each mutant."""
    directory = os.environ.get(OUTCOMES_VARIABLE)
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if not directory or not mutant or "." not in mutant:
        return  # the stats, clean and forced-fail runs are no mutant's outcome
    not_passed = (
        [
            {"check": c["name"], "status": c["status"], "requirements": c["requirements"]}
            for c in report["checks"]
            if c["status"] != "PASS"
        ]
        if report is not None
        else []
    )
    outcome = {"mutant": mutant, "exit_code": exit_code, "not_passed": not_passed}
    Path(directory, f"{mutant}.json").write_text(json.dumps(outcome), encoding="utf-8")


def test_conformance_suite_passes_every_check_against_the_server() -> None:
    # A private directory, not pytest's tmp_path: mutmut runs several pytest sessions at
    # once and each prunes the numbered tmp_path directories of the others.
    with tempfile.TemporaryDirectory(prefix="capture-order-mutation-") as tmp:
        workdir = Path(tmp)
        report_dir = workdir / "report"
        with reference_server_thread(workdir, orders=ORDERS, items=ITEMS) as server:
            exit_code = conformance_main(
                [
                    "--fixtures",
                    str(server.fixtures),
                    "--seed",
                    str(SEED),
                    "--max-examples",
                    str(MAX_EXAMPLES),
                    "--report-dir",
                    str(report_dir),
                ]
            )
        report_path = report_dir / "report.json"
        report = json.loads(report_path.read_text("utf-8")) if report_path.exists() else None
    _record_outcome(exit_code, report)
    assert exit_code == 0, f"the suite found the server not conformant (exit {exit_code})"
    assert report is not None
    # The clean server passes every check: a WARN (a SHOULD violated) or a SKIP (a check
    # that could not run) is the suite reporting a difference, so it counts as a kill.
    not_passed = {c["name"]: c["status"] for c in report["checks"] if c["status"] != "PASS"}
    assert not not_passed, f"checks that did not pass: {not_passed}"

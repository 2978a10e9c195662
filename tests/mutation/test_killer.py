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

from capture_order.conformance.suite_command import main as conformance_main
from tests.mutation.config import (
    ENABLE_VARIABLE,
    ITEMS,
    MAX_EXAMPLES,
    ORDERS,
    OUTCOMES_VARIABLE,
    SEED,
)
from tests.mutation.inprocess import reference_server_thread

pytestmark = pytest.mark.skipif(
    os.environ.get(ENABLE_VARIABLE) != "1",
    reason=f"mutation killer: runs under `make mutation` ({ENABLE_VARIABLE}=1)",
)


def _record_outcome(outcome: dict[str, Any]) -> None:
    """Leave what the run saw, so the report can say what killed each mutant."""
    directory = os.environ.get(OUTCOMES_VARIABLE)
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    # The stats, clean and forced-fail runs ("stats", "", "fail") are no mutant's outcome.
    if directory and "." in mutant:
        outcome = {"mutant": mutant, **outcome}
        Path(directory, f"{mutant}.json").write_text(json.dumps(outcome), encoding="utf-8")


def _not_passed(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"check": c["name"], "status": c["status"], "requirements": c["requirements"]}
        for c in report["checks"]
        if c["status"] != "PASS"
    ]


def _failed_requirements(report: dict[str, Any]) -> list[str]:
    return [r["id"] for r in report["requirements"] if r["status"] in ("FAIL", "WARN", "ERROR")]


def _run_suite(workdir: Path) -> tuple[int, dict[str, Any] | None]:
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
    return exit_code, report


def test_conformance_suite_passes_every_check_against_the_server() -> None:
    # A private directory, not pytest's tmp_path: mutmut runs several pytest sessions at
    # once and each prunes the numbered tmp_path directories of the others.
    with tempfile.TemporaryDirectory(prefix="capture-order-mutation-") as tmp:
        try:
            exit_code, report = _run_suite(Path(tmp))
        except Exception as exc:
            # The server could not start or stop (the mutant broke it): a kill, recorded.
            _record_outcome({"exit_code": None, "error": repr(exc), "not_passed": []})
            raise
    not_passed = _not_passed(report) if report is not None else []
    failed = _failed_requirements(report) if report is not None else []
    _record_outcome(
        {"exit_code": exit_code, "error": None, "not_passed": not_passed, "failed": failed}
    )
    assert exit_code == 0, f"the suite found the server not conformant (exit {exit_code})"
    # The clean server passes every check: a WARN (a SHOULD violated) or a SKIP (a check
    # that could not run) is the suite reporting a difference, so it counts as a kill.
    assert report is not None
    assert not not_passed, f"checks that did not pass: {not_passed}"

"""The suite against the reference server behind each injected fault, and behind no fault.

The rule: a fault that breaks a MUST is reported FAIL for every requirement it names, with a curl
reproduction, and the run exits 1; a fault that breaks only a SHOULD is reported WARN with a
reproduction, nothing FAILs, and the run exits 0 (WARN is conformant). Either way the finding must
be news: one the run without a fault does not have. The proxy without a fault passes: exit 0, no
FAIL, no WARN.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.faults.matrix import CLEAN, FaultRun, expected_verdict, run_matrix, table
from tests.faults.registry import FAULTS
from tests.harness import REFERENCE_VERDICTS, Reference, crossing_orders

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def matrix(
    reference: Reference, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, FaultRun]:
    """The suite run behind every fault selected in this session (two at a time), run once."""
    wanted = [CLEAN]  # always: every fault's findings are compared with it
    for item in request.session.items:
        if item.path != request.path:
            continue
        params = getattr(item, "callspec", None)
        name = params.params.get("fault_name", CLEAN) if params is not None else CLEAN
        if name not in wanted:
            wanted.append(name)
    runs = run_matrix(reference, wanted, tmp_path_factory.mktemp("faults"))
    # CI (or a person) can keep the measured table: FAULT_MATRIX_TABLE=path/to/table.md
    if os.environ.get("FAULT_MATRIX_TABLE"):
        Path(os.environ["FAULT_MATRIX_TABLE"]).write_text(table(runs) + "\n", encoding="utf-8")
    return runs


def _secrets_absent(run: FaultRun) -> None:
    tokens = [str(run.fixtures["token"]), str(run.fixtures["foreign_token"])]
    keys = [t.split(" ", 1)[-1] for t in tokens]
    outputs = [run.outcome.stdout, run.outcome.stderr]
    outputs += [(run.report_dir / n).read_text("utf-8") for n in ("report.json", "report.html")]
    for output in outputs:
        assert not any(secret in output for secret in keys), "a token in the suite's output"


def test_clean_proxy_passes_with_no_fail_and_no_warn(matrix: dict[str, FaultRun]) -> None:
    run = matrix[CLEAN]
    verdicts = run.outcome.verdicts()
    assert run.outcome.returncode == 0, run.outcome.stdout + run.outcome.stderr
    assert run.reported() == {}, run.outcome.stdout
    assert {i: s for i, s in verdicts.items() if s != "PASS"} == REFERENCE_VERDICTS


def test_clean_run_with_wide_pks_crossing_a_digit_count_is_conformant(
    matrix: dict[str, FaultRun],
) -> None:
    # The control of the pk-ordering false alarm: pks past 2**53, one order's items crossing a
    # digit count (..999, 1000..), order numbers with non-ASCII letters; nothing reported.
    run = matrix[CLEAN]
    fixtures: dict[str, Any] = dict(run.fixtures)
    pks = [item["pk"] for order in fixtures["orders"] for item in order["items"]]
    assert min(pks) > 2**53 and crossing_orders(fixtures), pks
    assert any(not order["number"].isascii() for order in fixtures["orders"])
    assert run.outcome.returncode == 0 and run.reported() == {}, run.outcome.stdout


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_suite_reports_the_fault_with_reproduction(
    matrix: dict[str, FaultRun], fault_name: str
) -> None:
    fault, run = FAULTS[fault_name], matrix[fault_name]
    outcome = run.outcome
    context = outcome.stdout[-6000:] + outcome.stderr[-2000:]
    verdicts = outcome.verdicts()
    assert outcome.report is not None
    results = {r["id"]: r for r in outcome.report["requirements"]}
    for requirement in fault.requirements:
        assert verdicts[requirement] == expected_verdict(requirement), context
        failures = results[requirement]["failures"]
        news = [f for f in failures if f["title"] not in matrix[CLEAN].titles(requirement)]
        assert news, f"{requirement}: only the findings of the clean run\n{context}"
        assert all(f["curl"] and f["curl"][-1].startswith("curl ") for f in news)
    if fault.must:
        assert outcome.returncode == 1, context
    else:
        assert outcome.returncode == 0, context
        assert "FAIL" not in verdicts.values(), json.dumps(run.reported())
    assert "Expected:" in outcome.stdout and "Reproduce: curl" in outcome.stdout
    _secrets_absent(run)

"""How `make mutation` reads mutmut's verdicts and scores them (no mutation run needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutmut.mutation.data import SourceFileMutationData

from tests.mutation.results import Mutant, explanations, kills, load_mutants, summarize

CAPTURE = "capture_order/server/domain/capture_plan.py"


def _mutants(*statuses: str) -> list[Mutant]:
    return [
        Mutant(f"capture_order.server.domain.capture_plan.x_f__mutmut_{i}", CAPTURE, s)
        for i, s in enumerate(statuses)
    ]


def test_only_kills_count_as_caught_in_the_score() -> None:
    summary = summarize(_mutants("killed", "killed", "killed", "survived", "timeout", "no tests"))
    assert summary.scored == 6
    assert summary.score == pytest.approx(50.0)
    assert summary.unfinished == 0


def test_mutants_without_a_verdict_mark_the_run_unfinished() -> None:
    summary = summarize(_mutants("killed", "not checked", "check was interrupted by user"))
    assert summary.unfinished == 2
    assert summary.score == pytest.approx(100.0)


def test_verdicts_are_read_from_mutmut_meta_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mutants/capture_order/server/domain").mkdir(parents=True)
    data = SourceFileMutationData(path=CAPTURE)
    # mutmut's exit codes: 1 killed (suite failed), 0 survived, 33 no tests, 36 timeout.
    data.exit_code_by_key = {
        "capture_order.server.domain.capture_plan.x_plan_capture__mutmut_2": 0,
        "capture_order.server.domain.capture_plan.x_plan_capture__mutmut_1": 1,
        "capture_order.server.domain.capture_plan.x_check_no_duplicates__mutmut_1": 33,
        "capture_order.server.domain.capture_plan.x_check_capturable__mutmut_1": 36,
    }
    data.save()
    loaded = {m.name.rpartition(".")[2]: (m.path, m.status) for m in load_mutants()}
    assert loaded == {
        "x_check_capturable__mutmut_1": (CAPTURE, "timeout"),
        "x_check_no_duplicates__mutmut_1": (CAPTURE, "no tests"),
        "x_plan_capture__mutmut_1": (CAPTURE, "killed"),
        "x_plan_capture__mutmut_2": (CAPTURE, "survived"),
    }


def test_kills_name_the_checks_the_suite_did_not_pass(tmp_path: Path) -> None:
    failed, warned, silent = _mutants("killed", "killed", "killed")
    survivor = Mutant(
        "capture_order.server.api.x_captureOrder__mutmut_9",
        "capture_order/server/api.py",
        "survived",
    )
    outcomes = {
        failed: {
            "exit_code": 1,
            "error": None,
            "not_passed": [_check("a", "FAIL", "CO-CAP-01", "CO-CAP-08")],
            "failed": ["CO-CAP-08"],
        },
        warned: {
            "exit_code": 0,
            "error": None,
            "not_passed": [_check("b", "WARN", "CO-ERR-04")],
            "failed": ["CO-ERR-04"],
        },
        survivor: {"exit_code": 0, "error": None, "not_passed": [], "failed": []},
    }
    for mutant, outcome in outcomes.items():
        (tmp_path / f"{mutant.name}.json").write_text(json.dumps(outcome), encoding="utf-8")
    result = kills([failed, warned, silent, survivor], tmp_path)
    assert result.by_kind == {
        "suite verdict FAIL (exit 1)": 1,
        "suite exit 0 with a WARN or SKIP check": 1,
        "no outcome recorded": 1,
    }
    assert result.by_check == {"a FAIL": 1, "b WARN": 1}
    assert result.by_requirement == {"CO-CAP-08": 1, "CO-ERR-04": 1}


def _check(name: str, status: str, *requirements: str) -> dict[str, object]:
    return {"check": name, "status": status, "requirements": list(requirements)}


def test_every_explained_survivor_is_listed_once_with_a_reason() -> None:
    explained = explanations()
    assert explained and all(": " in why and len(why) > 40 for why in explained.values())
    assert all(
        name.startswith("capture_order.server.") and "__mutmut_" in name for name in explained
    )


def test_a_survivor_explained_twice_is_refused(tmp_path: Path) -> None:
    twice = '[[group]]\nkind = "k"\nreason = "r"\nmutants = ["m", "m"]\n'
    (tmp_path / "s.toml").write_text(twice, encoding="utf-8")
    with pytest.raises(ValueError, match="explained twice"):
        explanations(tmp_path / "s.toml")

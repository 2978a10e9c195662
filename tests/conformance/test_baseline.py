"""Expected-failures baselines: read, checked, applied to a run's verdicts, and written."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from capture_order.conformance.baseline import (
    PLACEHOLDER,
    Baseline,
    BaselineError,
    Entry,
    load,
    write,
)
from capture_order.conformance.verdict import (
    CheckFinding,
    CheckResult,
    RequirementResult,
    Status,
    Verdict,
    case_outcomes,
    requirement_verdict,
)
from capture_order.contract.catalogue import Requirement, requirements
from tests.harness import free_port, run_suite
from tests.traffic import synthetic


def _must_with_cases(n: int) -> Requirement:
    return next(r for r in requirements() if r.level == "MUST" and len(r.observable) >= n)


def _results(failing: list[str], passing: list[str]) -> list[RequirementResult]:
    """Every requirement's verdict when these cases fail and those pass (the rest SKIP)."""
    checks = []
    for ref in failing:
        result = CheckResult(
            f"fails {ref}", (ref,), Status.FAIL, (CheckFinding(ref, "Broke", "a", "b"),)
        )
        checks.append(replace(result, outcomes=case_outcomes(result)))
    for ref in passing:
        result = CheckResult(f"passes {ref}", (ref,), Status.PASS)
        checks.append(replace(result, outcomes=case_outcomes(result)))
    rest = tuple(
        c.ref for r in requirements() for c in r.cases if c.ref not in (*failing, *passing)
    )
    skipped = CheckResult("needs more fixtures", rest, Status.SKIP, reason="needs orders")
    checks.append(replace(skipped, outcomes=case_outcomes(skipped)))
    return [requirement_verdict(r, checks) for r in requirements()]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_and_json_baselines_read_alike(tmp_path: Path) -> None:
    requirement = _must_with_cases(2)
    case = requirement.cases[0].ref
    toml = _write(
        tmp_path / "b.toml",
        f'[[expected_failures]]\nid = "{requirement.id}"\nreason = "ticket 7"\n\n'
        f'[[expected_failures]]\nid = "{case}"\nreason = "Çağla Öz\'s gap"\n',
    )
    entries = [
        {"id": requirement.id, "reason": "ticket 7"},
        {"id": case, "reason": "Çağla Öz's gap"},
    ]
    as_json = _write(tmp_path / "b.json", json.dumps({"expected_failures": entries}))
    assert load(toml).entries == load(as_json).entries
    assert load(toml).entries == (Entry(requirement.id, "ticket 7"), Entry(case, "Çağla Öz's gap"))


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("b.toml", "[[expected_failures]\n", "not valid TOML"),
        ("b.json", "{", "not valid JSON"),
        ("b.toml", "known = []\n", "expected only a list 'expected_failures'"),
        ("b.toml", 'expected_failures = "CO-AUTH-01"\n', "must be a list"),
        ("b.toml", '[[expected_failures]]\nid = "CO-AUTH-01"\n', "exactly the keys id and reason"),
        (
            "b.toml",
            '[[expected_failures]]\nid = "CO-NOPE-99"\nreason = "x"\n',
            "'CO-NOPE-99' is no requirement ID or case of the spec",
        ),
        ("b.toml", '[[expected_failures]]\nid = "CO-AUTH-01"\nreason = " "\n', "reason is empty"),
        (
            "b.toml",
            f'[[expected_failures]]\nid = "CO-AUTH-01"\nreason = "{PLACEHOLDER}"\n',
            "still the placeholder",
        ),
        (
            "b.toml",
            '[[expected_failures]]\nid = "CO-AUTH-01"\nreason = "a"\n'
            '[[expected_failures]]\nid = "CO-AUTH-01"\nreason = "b"\n',
            "CO-AUTH-01 is listed twice",
        ),
    ],
)
def test_a_bad_baseline_is_refused_naming_file_and_problem(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    path = _write(tmp_path / name, text)
    with pytest.raises(BaselineError) as raised:
        load(path)
    assert str(raised.value).startswith(str(path)) and problem in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_missing_baseline_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="no such file"):
        load(tmp_path / "absent.toml")


def test_the_command_refuses_a_bad_baseline_in_one_line_with_exit_2(tmp_path: Path) -> None:
    path = _write(tmp_path / "baseline.toml", '[[expected_failures]]\nid = "CO-NOPE-1"\n')
    outcome = run_suite(
        "--base-url", f"http://127.0.0.1:{free_port()}", "--expected-failures", str(path)
    )
    assert outcome.returncode == 2
    assert outcome.stdout == ""  # refused before the run prints anything
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in outcome.stderr


def test_a_listed_failure_fails_nothing() -> None:
    requirement = _must_with_cases(2)
    failing = requirement.cases[0].ref
    results = _results([failing], [c.ref for c in requirement.cases[1:]])
    applied = Baseline("b.toml", (Entry(requirement.id, "known"),)).apply(results)
    assert applied.outcome == "NO_NEW_FAILURES" and applied.new == ()
    assert applied.known_entry(failing) == Entry(requirement.id, "known")
    # Nothing else was judged: without the known failure the run is incomplete (certify: 1).
    assert applied.residual == Verdict.INCOMPLETE
    assert applied.exit_code("default") == 0 and applied.exit_code("certify") == 1
    line = applied.lines(Verdict.NOT_CONFORMANT, "default")[0]
    assert line == "NOT CONFORMANT · 1 known failure from b.toml; no new failure · exit 0"


def test_an_unlisted_failure_fails_the_run_and_is_named() -> None:
    first = [r for r in requirements() if r.level == "MUST"][:2]
    listed, unlisted = first[0].cases[0].ref, first[1].cases[0].ref
    applied = Baseline("b.toml", (Entry(listed, "known"),)).apply(_results([listed, unlisted], []))
    assert applied.outcome == "NEW_FAILURES"
    assert applied.new == (unlisted,) and applied.exit_code("default") == 1
    line = applied.lines(Verdict.NOT_CONFORMANT, "default")[0]
    assert f"1 new failure not in b.toml: {unlisted}" in line and line.endswith("exit 1")


def test_a_listed_case_that_passes_is_stale_and_names_the_entry_to_delete() -> None:
    requirement = _must_with_cases(1)
    case = requirement.cases[0].ref
    applied = Baseline("b.toml", (Entry(case, "was broken"),)).apply(_results([], [case]))
    assert applied.outcome == "STALE" and applied.exit_code("default") == 1
    assert applied.stale_entry(case) == Entry(case, "was broken")
    lines = applied.lines(Verdict.INCOMPLETE, "default")
    assert lines[0].startswith("STALE BASELINE") and lines[0].endswith("exit 1")
    assert f"delete the entry {case!r} from b.toml" in lines[1]


def test_a_requirement_entry_is_stale_only_once_every_case_of_it_passed() -> None:
    requirement = _must_with_cases(2)
    refs = [c.ref for c in requirement.observable]
    entry = Entry(requirement.id, "known")
    still = Baseline("b.toml", (entry,)).apply(_results(refs[:1], refs[1:]))
    assert still.outcome == "NO_NEW_FAILURES" and still.stale == ()
    # One case unjudged: it may be the failing one, so the entry is kept.
    partly = Baseline("b.toml", (entry,)).apply(_results([], refs[1:]))
    assert partly.stale == () and partly.unchecked == (entry,)
    fixed = Baseline("b.toml", (entry,)).apply(_results([], refs))
    assert fixed.stale == ((entry, tuple(refs)),)


def test_an_entry_whose_cases_were_not_judged_is_kept_not_stale() -> None:
    case = _must_with_cases(1).cases[0].ref
    applied = Baseline("b.toml", (Entry(case, "known"),)).apply(_results([], []))
    assert applied.outcome == "NO_NEW_FAILURES" and applied.unchecked == (Entry(case, "known"),)
    assert f"not checked in this run (kept): {case}" in applied.lines(Verdict.INCOMPLETE, "x")[-1]


def test_written_baseline_needs_its_reasons_filled_then_gates_the_same_run(
    tmp_path: Path,
) -> None:
    musts = [r for r in requirements() if r.level == "MUST"]
    failing = [musts[0].cases[0].ref, musts[1].cases[0].ref]
    results = _results(failing, [])
    path = tmp_path / "baseline.toml"
    assert write(path, results, None, "a test run") == 2
    with pytest.raises(BaselineError, match="placeholder"):
        load(path)
    path.write_text(path.read_text("utf-8").replace(PLACEHOLDER, "ticket 9"), encoding="utf-8")
    baseline = load(path)
    assert [e.id for e in baseline.entries] == failing
    assert baseline.apply(results).outcome == "NO_NEW_FAILURES"
    # Written again from the same failures, the filled reasons stay.
    again = tmp_path / "again.toml"
    write(again, results, baseline, "a second run")
    assert load(again).entries == baseline.entries
    # Once the first passes and a third fails: the first is dropped, the third is a placeholder.
    third = musts[2].cases[0].ref
    write(again, _results([failing[1], third], [failing[0]]), baseline, "a third run")
    text = again.read_text("utf-8")
    assert failing[0] not in text and 'reason = "ticket 9"' in text
    assert f'id = "{third}"\nreason = "{PLACEHOLDER}"' in text


def test_a_run_without_failures_writes_an_empty_baseline_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "baseline.toml"
    assert write(path, _results([], []), None, "a clean run") == 0
    assert load(path).entries == ()


def test_a_traffic_run_is_gated_on_the_baseline_too(tmp_path: Path) -> None:
    recording = tmp_path / "traffic.ndjson"
    synthetic.write(recording, 0.02)
    first = run_suite("--traffic", str(recording), report_dir=tmp_path / "first")
    assert first.returncode == 0 and first.report is not None, first.stdout + first.stderr
    passed = next(
        c["id"] for r in first.report["requirements"] for c in r["cases"] if c["status"] == "PASS"
    )
    path = _write(
        tmp_path / "b.toml", f'[[expected_failures]]\nid = "{passed}"\nreason = "was broken"\n'
    )
    args = ("--traffic", str(recording), "--expected-failures", str(path))
    gated = run_suite(*args, report_dir=tmp_path / "gated")
    assert gated.returncode == 1, gated.stdout + gated.stderr
    assert f"delete the entry {passed!r} from {path}" in gated.stdout
    assert gated.report is not None and gated.report["baseline"]["outcome"] == "STALE"

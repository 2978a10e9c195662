"""README "Running it in CI" and the workflow's conformance job: commands the CLI takes."""

from __future__ import annotations

import re
import shlex
from dataclasses import replace
from typing import Any

import pytest
import yaml

from capture_order.cli import parser_for
from capture_order.conformance.baseline import Baseline, Entry, load
from capture_order.conformance.report.ctrf import FILE as CTRF_FILE
from capture_order.conformance.verdict import (
    CheckFinding,
    CheckResult,
    RequirementResult,
    Status,
    Verdict,
    case_outcomes,
    requirement_verdict,
)
from capture_order.contract.catalogue import by_id, requirements
from tests.harness import ROOT

README = ROOT / "README.md"
WORKFLOW = ROOT / "examples" / "ci" / "github-workflow.yml"
EXAMPLE_BASELINE = ROOT / "examples" / "ci" / "conformance-baseline.toml"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Running it in CI\n")
    return text[start : text.index("\n## ", start + 1)]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def _commands(script: str) -> list[list[str]]:
    """The capture-order command lines of a shell script, continuation lines joined."""
    joined = script.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        words = shlex.split(line.split(">", 1)[0], comments=True)
        if words[:1] == ["capture-order"]:
            found.append(words[1:])
    return found


def _parses(argv: list[str]) -> Any:
    try:
        return parser_for(argv).parse_args(argv)
    except SystemExit as exc:  # argparse's exit on an unknown option or a bad value
        pytest.fail(f"capture-order {shlex.join(argv)}: refused by the CLI (exit {exc.code})")


def _conformance_job() -> dict[str, Any]:
    job: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"][
        "conformance"
    ]
    return job


def test_every_command_of_the_readme_section_is_one_the_cli_takes() -> None:
    commands = [c for block in _blocks(_section(), "sh") for c in _commands(block)]
    assert {c[0] for c in commands} == {"conformance", "diff"}
    for argv in commands:
        _parses(argv)
    flags = {w for c in commands for w in c if w.startswith("--")}
    assert {"--expected-failures", "--write-baseline", "--report-dir"} <= flags
    assert {"--format", "--fail-on"} <= flags


def test_the_workflow_runs_the_suite_gated_on_a_baseline_and_uploads_ctrf() -> None:
    job = _conformance_job()
    scripts = [s["run"] for s in job["steps"] if "run" in s]
    commands = [c for script in scripts for c in _commands(script) if c[0] == "conformance"]
    assert len(commands) == 1
    args = _parses(commands[0])
    assert args.expected_failures and args.report_dir
    reporter = next(s for s in job["steps"] if s.get("uses", "").startswith("ctrf-io/"))
    assert reporter["uses"] == "ctrf-io/github-test-reporter@v1"
    assert reporter["with"]["report-path"] == f"{args.report_dir}/{CTRF_FILE}"
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload"))
    assert upload["with"]["path"].rstrip("/") == args.report_dir
    # Both report steps run when the suite failed the job too.
    assert reporter["if"] == upload["if"] == "${{ !cancelled() }}"
    env = next(s for s in job["steps"] if "conformance" in s.get("run", ""))["env"]
    assert all("secrets." in v for k, v in env.items() if "TOKEN" in k)


def test_the_example_baseline_loads() -> None:
    baseline = load(EXAMPLE_BASELINE)
    assert baseline.entries and all(by_id().get(e.id.split("/")[0]) for e in baseline.entries)


def _results(failing: list[str], passing: list[str]) -> list[RequirementResult]:
    checks = []
    for ref, status in [*((r, Status.FAIL) for r in failing), *((r, Status.PASS) for r in passing)]:
        findings = (CheckFinding(ref, "Broke", "a", "b"),) if status == Status.FAIL else ()
        result = CheckResult(ref, (ref,), status, findings)
        checks.append(replace(result, outcomes=case_outcomes(result)))
    rest = tuple(
        c.ref for r in requirements() for c in r.cases if c.ref not in (*failing, *passing)
    )
    skipped = CheckResult("rest", rest, Status.SKIP, reason="needs orders")
    checks.append(replace(skipped, outcomes=case_outcomes(skipped)))
    return [requirement_verdict(r, checks) for r in requirements()]


def test_the_readme_shows_the_verdict_lines_the_suite_prints() -> None:
    shown = "\n".join(_blocks(_section(), "text"))
    lines = [line for line in shown.splitlines() if line.strip()]
    file = "conformance-baseline.toml"
    # Two known failures, then one more unlisted, then a listed requirement that passes.
    entries = (Entry("CO-MON-01", "a"), Entry("CO-RSP-02", "b"))
    two = [by_id()[e.id].cases[0].ref for e in entries]
    cases = {
        "known": (Baseline(file, entries).apply(_results(two, [])), Verdict.NOT_CONFORMANT),
        "new": (
            Baseline(file, entries).apply(_results([*two, "CO-CAP-09/status-stable"], [])),
            Verdict.NOT_CONFORMANT,
        ),
        "stale": (
            Baseline(file, (Entry("CO-MON-03", "c"),)).apply(
                _results([], [c.ref for c in by_id()["CO-MON-03"].cases])
            ),
            Verdict.INCOMPLETE,
        ),
    }
    printed = [applied.lines(verdict, "default")[0] for applied, verdict in cases.values()]
    assert lines == printed

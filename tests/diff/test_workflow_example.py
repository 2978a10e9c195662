"""The GitHub workflow example: well-known actions only, and its diff step runs as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from capture_order.contract.spec import spec_path
from tests.diff.corpus_requests import pk_maximum_lowered, pk_minimum_lowered
from tests.diff.edits import Spec

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "ci" / "github-workflow.yml"
ACTIONS = {"actions/checkout", "actions/setup-python", "marocchino/sticky-pull-request-comment"}
CONTRACT = "openapi/capture-order.yaml"
TIMEOUT_S = 60


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow["jobs"]["contract"]["steps"]
    return found


def test_it_runs_on_pull_requests_that_change_the_contract(workflow: dict[Any, Any]) -> None:
    # YAML 1.1 reads the key `on` as true.
    assert workflow[True]["pull_request"]["paths"] == [CONTRACT]
    assert workflow["permissions"]["pull-requests"] == "write"


def test_only_well_known_actions_are_used_at_a_major_version(workflow: dict[Any, Any]) -> None:
    used = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert {u.split("@")[0] for u in used} == ACTIONS
    assert all(u.split("@")[1].startswith("v") for u in used)


def test_the_diff_runs_on_pull_requests_only(workflow: dict[Any, Any]) -> None:
    # The conformance job (tests/conformance/test_ci_recipes.py) also runs on a schedule.
    assert workflow["jobs"]["contract"]["if"] == "github.event_name == 'pull_request'"


def run_diff_step(workflow: dict[Any, Any], repo: Path) -> tuple[str, str]:
    """The diff step's script run in `repo` as Actions would, with BASE at HEAD."""
    step = next(s for s in steps(workflow) if s.get("id") == "diff")
    output = repo / "github-output"
    output.write_text("", encoding="utf-8")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "PATH": path, "BASE": "HEAD", "GITHUB_OUTPUT": str(output)}
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr
    comment = (repo / "build" / "contract-review.md").read_text(encoding="utf-8")
    return output.read_text(encoding="utf-8").strip(), comment


def checkout(tmp_path: Path, edit: Any) -> Path:
    repo = tmp_path / "repo"
    (repo / "openapi").mkdir(parents=True)
    identity = ["-c", "user.name=workflow tests", "-c", "user.email=workflow@example.com"]
    spec: Spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    (repo / CONTRACT).write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "base"]):
        subprocess.run(["git", *identity, *args], cwd=repo, check=True, timeout=TIMEOUT_S)
    edit(spec)
    (repo / CONTRACT).write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return repo


def test_the_diff_step_writes_the_comment_and_the_gate_status(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    status, comment = run_diff_step(workflow, checkout(tmp_path, pk_maximum_lowered))
    assert status == "status=1"
    assert comment.startswith("### capture-order diff: breaking, 1 breaking change without")


def test_a_non_breaking_pull_request_passes_the_gate(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    status, comment = run_diff_step(workflow, checkout(tmp_path, pk_minimum_lowered))
    assert status == "status=0"
    assert comment.startswith("### capture-order diff: no breaking changes")

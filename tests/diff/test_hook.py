"""The pre-commit hook: `capture-order diff` of the staged contract against HEAD, else nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from capture_order.contract.spec import load_spec, spec_path
from tests.diff.corpus_requests import pk_maximum_lowered, pk_minimum_lowered
from tests.diff.edits import Spec

HOOKS = Path(__file__).resolve().parents[2] / "tools" / "git-hooks"
CONTRACT = "openapi/capture-order.yaml"
GIT_TIMEOUT_S = 60


def git(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    identity = ["-c", "user.name=hook tests", "-c", "user.email=hook@example.com"]
    # The venv's capture-order is found on PATH, as in a checkout where it is installed.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["git", *identity, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=GIT_TIMEOUT_S,
        env={**os.environ, "PATH": path, **env},
    )


def contract(repo: Path, edit: object = None) -> None:
    spec: Spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    if edit is not None:
        edit(spec)  # type: ignore[operator]
    (repo / CONTRACT).write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout whose HEAD holds the contract, with the project's hooks installed."""
    root = tmp_path / "repo"
    (root / "openapi").mkdir(parents=True)
    assert git(root, "init", "-q").returncode == 0
    contract(root)
    (root / "README.md").write_text("x\n", encoding="utf-8")
    git(root, "add", ".")
    assert git(root, "commit", "-qm", "contract", "--no-verify").returncode == 0
    assert git(root, "config", "core.hooksPath", str(HOOKS)).returncode == 0
    return root


def commit(repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`git commit`; git sends the hook's output to its stderr."""
    return git(repo, "commit", "-m", "change", **env)


def test_a_commit_without_the_contract_runs_no_diff(repo: Path) -> None:
    (repo / "README.md").write_text("y\n", encoding="utf-8")
    git(repo, "add", "README.md")
    done = commit(repo)
    assert done.returncode == 0, done.stderr
    assert "capture-order diff" not in done.stdout + done.stderr


def test_a_breaking_staged_contract_stops_the_commit_with_the_report(repo: Path) -> None:
    contract(repo, pk_maximum_lowered)
    git(repo, "add", CONTRACT)
    done = commit(repo)
    assert done.returncode == 1
    assert '{"order": "CO-000001", "order_items": [{"pk": 1001}]}' in done.stderr
    assert "commit anyway with 'git commit --no-verify'" in done.stderr
    assert git(repo, "diff", "--cached", "--quiet").returncode == 1  # still staged, not committed


def test_a_non_breaking_staged_contract_is_committed_with_its_report(repo: Path) -> None:
    contract(repo, pk_minimum_lowered)
    git(repo, "add", CONTRACT)
    done = commit(repo)
    assert done.returncode == 0, done.stderr
    assert "1 non-breaking" in done.stderr


def test_the_staged_contract_is_compared_not_the_working_tree(repo: Path) -> None:
    contract(repo, pk_minimum_lowered)
    git(repo, "add", CONTRACT)
    contract(repo, pk_maximum_lowered)  # breaking, but not staged
    done = commit(repo)
    assert done.returncode == 0, done.stderr
    version = load_spec()["info"]["version"]
    assert f"HEAD:{CONTRACT} ({version}) -> :{CONTRACT} ({version})" in done.stderr


def test_the_gate_is_chosen_by_the_environment(repo: Path) -> None:
    contract(repo, pk_maximum_lowered)
    git(repo, "add", CONTRACT)
    assert commit(repo, CAPTURE_ORDER_HOOK_FAIL_ON="never").returncode == 0


def test_a_removed_contract_stops_the_commit_in_one_line(repo: Path) -> None:
    git(repo, "rm", "-q", CONTRACT)
    done = commit(repo)
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == f"pre-commit: {CONTRACT} is staged for removal: clients lose the whole contract"
    )

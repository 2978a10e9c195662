"""`make review-release`: the contract against the last v* tag, else the last version bump."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from capture_order.contract.spec import load_spec, spec_path
from tests.diff.corpus_requests import pk_maximum_lowered
from tests.diff.edits import Spec, major_bump

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "review-release.sh"
CONTRACT = "openapi/capture-order.yaml"
TIMEOUT_S = 60


def git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=release tests", "-c", "user.email=release@example.com"]
    done = subprocess.run(
        ["git", *identity, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT_S,
    )
    return done.stdout.strip()


def write_contract(repo: Path, *edits: Callable[[Spec], None]) -> None:
    spec: Spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    for edit in edits:
        edit(spec)
    (repo / CONTRACT).write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def write_version(repo: Path, version: str) -> None:
    text = f'[project]\nname = "capture-order"\nversion = "{version}"\n'
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", ".")
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


def review(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=TIMEOUT_S,
        env={**os.environ, "BIN": str(Path(sys.executable).parent)},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The version line added at 0.1.0, then bumped to 0.2.0 with the contract, then a commit."""
    root = tmp_path / "repo"
    (root / "openapi").mkdir(parents=True)
    git(root, "init", "-q")
    write_version(root, "0.1.0")
    commit(root, "start at 0.1.0")
    write_version(root, "0.2.0")
    write_contract(root)
    commit(root, "release 0.2.0")
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    commit(root, "notes")
    return root


def test_without_a_tag_the_last_version_bump_is_the_release(repo: Path) -> None:
    bump = git(repo, "log", "--format=%H", "-1", "HEAD~1")
    write_contract(repo, pk_maximum_lowered)
    done = review(repo)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"review-release: no v* tag; against {bump}, the commit that last changed "
        "'version = ' in pyproject.toml"
    )
    version = load_spec()["info"]["version"]
    unbumped = f"breaking changes need a new major version: info.version {version} -> {version}"
    assert unbumped in done.stdout


def test_a_release_tag_is_preferred_and_named(repo: Path) -> None:
    git(repo, "tag", "v0.2.0", "HEAD~1")
    write_contract(repo, pk_maximum_lowered)
    done = review(repo)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0] == "review-release: against v0.2.0, the last release tag"


def test_a_breaking_change_with_a_major_bump_passes(repo: Path) -> None:
    git(repo, "tag", "v0.2.0", "HEAD~1")
    write_contract(repo, pk_maximum_lowered, major_bump)
    done = review(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Breaking for clients (1)" in done.stdout


def test_nothing_to_compare_with_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = tmp_path / "bare"
    (root / "openapi").mkdir(parents=True)
    git(root, "init", "-q")
    write_contract(root)
    commit(root, "contract, no version line")
    done = review(root)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("review-release: no v* tag and no commit that changed")
    assert len(done.stderr.strip().splitlines()) == 1

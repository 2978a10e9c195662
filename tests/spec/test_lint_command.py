"""`capture-order lint` as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from capture_order.contract.lint.lint_command import REQUIRE_SPECTRAL_ENV
from capture_order.contract.lint.spectral import SPECTRAL_ENV
from capture_order.contract.npm_tools import find_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
CLEAN = "lint: 0 errors, 0 warnings"


def run_lint(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The lint in a child process, from the checkout, with `env` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "capture_order", "lint", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_lint_of_the_contract_is_clean() -> None:
    done = run_lint()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == CLEAN
    assert "openapi-spec-validator: 0 errors, 0 warnings" in lines
    assert "project checks: 0 errors, 0 warnings" in lines
    assert "suite coverage: 0 errors, 0 warnings" in lines
    if find_tool("spectral", SPECTRAL_ENV) is None:
        assert any(line.startswith("SKIPPED spectral: ") for line in lines), done.stdout
    else:
        assert "spectral (.spectral.yaml): 0 errors, 0 warnings" in lines


def test_lint_fails_on_a_defective_spec(spec: dict[str, Any], tmp_path: Path) -> None:
    not_found = spec["components"]["responses"]["NotFound"]["content"]
    not_found["application/json"] = not_found.pop("application/problem+json")
    spec["components"]["schemas"]["Money"]["example"] = "1000"  # every amount of Order
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    done = run_lint("--spec", str(broken))
    assert done.returncode == 1, done.stdout
    assert "project checks: 1 errors, 0 warnings" in done.stdout
    if find_tool("spectral", SPECTRAL_ENV) is not None:
        assert "co-error-is-problem-json" in done.stdout
        assert "oas3-valid-schema-example" in done.stdout
    assert done.stdout.splitlines()[-1] != CLEAN


def test_a_must_case_no_check_exercises_fails_the_lint(
    spec: dict[str, Any], tmp_path: Path
) -> None:
    spec["x-requirements"][0]["cases"].append({"id": "new-case", "text": "Nobody checks it."})
    extended = tmp_path / "extended.yaml"
    extended.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    done = run_lint("--spec", str(extended), **{SPECTRAL_ENV: str(tmp_path / "none")})
    assert done.returncode == 1, done.stdout
    assert "CO-AUTH-01/new-case: no check exercises it" in done.stdout
    assert "suite coverage: 1 errors, 0 warnings" in done.stdout


def test_missing_spectral_is_a_visible_skip(tmp_path: Path) -> None:
    env = {SPECTRAL_ENV: str(tmp_path / "no-spectral"), REQUIRE_SPECTRAL_ENV: ""}
    done = run_lint(**env)
    assert done.returncode == 0, done.stdout
    expected = f"SKIPPED spectral: {SPECTRAL_ENV}={tmp_path / 'no-spectral'} is not a file"
    assert expected in done.stdout.splitlines()


def other_version_of(spectral: Path, tmp_path: Path) -> Path:
    """The real Spectral behind a script that says it is version 6.0.1."""
    wrapper = tmp_path / "spectral"
    wrapper.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && {{ echo 6.0.1; exit 0; }}\nexec "{spectral}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return wrapper


def test_spectral_of_another_version_runs_with_a_warning(tmp_path: Path) -> None:
    spectral = find_tool("spectral", SPECTRAL_ENV)
    if spectral is None:
        pytest.skip("Spectral not installed (`make npm-tools`)")
    other = other_version_of(spectral, tmp_path)
    done = run_lint(**{SPECTRAL_ENV: str(other), REQUIRE_SPECTRAL_ENV: ""})
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    warning = next(line for line in lines if line.startswith("WARNING spectral: "))
    assert f"{other} reports version 6.0.1; the project is tested with spectral " in warning
    assert "spectral (.spectral.yaml): 0 errors, 0 warnings" in lines
    assert lines[-1] == CLEAN

    required = run_lint(**{SPECTRAL_ENV: str(other), REQUIRE_SPECTRAL_ENV: "1"})
    assert required.returncode == 1, required.stdout
    assert "the tested Spectral is required (CAPTURE_ORDER_REQUIRE_SPECTRAL=1): " in required.stdout
    assert required.stdout.splitlines()[-1] == "lint: 1 errors, 0 warnings"


def test_missing_spectral_fails_when_required(tmp_path: Path) -> None:
    done = run_lint(**{SPECTRAL_ENV: str(tmp_path / "no-spectral"), REQUIRE_SPECTRAL_ENV: "1"})
    assert done.returncode == 1
    assert "Spectral is required" in done.stdout
    assert done.stdout.splitlines()[-1] == "lint: 1 errors, 0 warnings"


def test_console_script_runs_the_same_lint() -> None:
    script = Path(sys.executable).parent / "capture-order"
    done = subprocess.run(
        [str(script), "lint"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == CLEAN


def test_unreadable_spec_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: [unclosed", encoding="utf-8")
    done = run_lint("--spec", str(broken))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.strip().splitlines() == [
        f"capture-order lint: {broken}: not valid YAML at line 1"
    ]
    assert "Traceback" not in done.stderr

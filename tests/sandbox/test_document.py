"""The control API's document: it lints clean, and Schemathesis finds no 5xx (nor any other
failure) in the server that follows it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from capture_order.contract.lint.spectral import SPECTRAL_ENV
from capture_order.contract.npm_tools import find_tool
from capture_order.server.sandbox.control_spec import sandbox_spec_path
from capture_order.server.sandbox.launch import RunningSandbox, SandboxServer
from tests.harness import ROOT

CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "404", "405", "413", "415"]

[checks.positive_data_acceptance]
expected-statuses = ["200", "201", "204", "404", "409", "422"]
"""


@pytest.mark.slow
@pytest.mark.requirement("CO-SBX-10")
def test_the_control_document_lints_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "capture_order", "lint", "--spec", str(sandbox_spec_path())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("lint: 0 errors, 0 warnings")
    # Without npm the lint skips Spectral visibly, as it does for the capture contract.
    if find_tool("spectral", SPECTRAL_ENV) is None:
        assert "SKIPPED spectral: " in done.stdout, done.stdout
    else:
        assert "spectral (.spectral.yaml): 0 errors, 0 warnings" in done.stdout, done.stdout
    # The suite covers the capture contract, not this one: its coverage lint says so.
    assert "SKIPPED suite: not the capture contract" in done.stdout


@pytest.mark.slow
@pytest.mark.requirement("CO-SBX-02", "CO-SBX-10")
def test_schemathesis_finds_nothing_in_the_control_api(
    sandbox_server: SandboxServer | RunningSandbox, tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(config),
        "run", str(sandbox_spec_path()),
        "--url", sandbox_server.base_url + "/_sandbox",
        "-H", f"Authorization: Bearer {sandbox_server.admin_token}",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", "10",
        "--seed", "20241121",
    ]  # fmt: skip
    # No --max-time: with it, fuzzing keeps drawing cases until the time is spent.
    run = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]

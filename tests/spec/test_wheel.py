"""The wheel as users install it: the suite and spec tools alone, then with the server extra."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.harness import ROOT, free_port

TIMEOUT_S = 600


def run(*command: str | Path, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; unless `ok` is False, fail the test with its output on error."""
    # No checkout on the path and no CAPTURE_ORDER_* settings of the test environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAPTURE_ORDER_", "PYTHON"))}
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if ok:
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the checkout."""
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-w", out, cwd=out)
    (built,) = out.glob("capture_order-*.whl")
    return built


def test_wheel_carries_the_contract_and_the_fixtures_schema(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        spec = archive.read("capture_order/contract/openapi/capture-order.yaml")
    assert spec == (ROOT / "openapi" / "capture-order.yaml").read_bytes()
    assert "capture_order/conformance/fixtures.schema.json" in names
    assert not [name for name in names if name.startswith("tests/")]


@pytest.mark.slow
def test_suite_installs_without_the_server_and_serve_needs_the_extra(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    pip: list[str | Path] = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    constraints: list[str | Path] = ["-c", ROOT / "constraints.txt"]
    run(*pip, *constraints, wheel, cwd=tmp_path)
    script = venv / "bin" / "capture-order"

    absent = run(venv / "bin" / "python", "-c", "import connexion", cwd=tmp_path, ok=False)
    assert absent.returncode != 0, "the suite alone installed Connexion"
    assert "--base-url" in run(script, "conformance", "--help", cwd=tmp_path).stdout
    lint = run(script, "lint", cwd=tmp_path)
    assert lint.stdout.splitlines()[-1] == "lint: 0 errors, 0 warnings"
    assert f"lint {venv}" in lint.stdout  # the wheel's own copy of the contract
    serve = run(script, "serve", cwd=tmp_path, ok=False)
    assert serve.returncode == 2
    assert serve.stderr.strip().splitlines() == [
        "capture-order serve needs the server extra (connexion is not installed): "
        "pip install 'capture-order[server]'"
    ]

    run(*pip, *constraints, f"{wheel}[server]", cwd=tmp_path)
    port = free_port()
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [script, "serve", "--port", str(port), "--database", database, "--demo"],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        answer = _wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json", server, tmp_path)
        assert answer.json()["info"]["title"] == "Capture Order"
        assert "x-apikeyInfoFunc" not in answer.text
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _wait_for(url: str, server: subprocess.Popen[bytes], tmp_path: Path) -> httpx.Response:
    for _ in range(300):
        log = tmp_path / "serve.log"
        assert server.poll() is None, f"capture-order serve exited:\n{log.read_text()[-3000:]}"
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")

"""The wheel as users install it: the suite and spec tools alone, then with the server extra,
run from a directory outside the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from capture_order.contract.lint.spectral import SPECTRAL_ENV
from capture_order.contract.npm_tools import find_tool
from tests.harness import ROOT, free_port

TIMEOUT_S = 600
PINS = json.loads((ROOT / "tools" / "npm" / "package.json").read_text("utf-8"))["devDependencies"]
# The ruleset and its functions, checkout path -> wheel path (the same relative places).
RULESET_FILES = {
    source: f"capture_order/contract/lint/ruleset/{source}"
    for source in [
        ".spectral.yaml",
        *(f"spectral/functions/{js.name}" for js in (ROOT / "spectral" / "functions").glob("*.js")),
    ]
}


def run(
    *command: str | Path, cwd: Path, ok: bool = True, path: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; unless `ok` is False, fail the test with its output on error.

    `path` replaces PATH; `env` adds variables."""
    # No checkout on the path and no CAPTURE_ORDER_* settings of the test environment.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CAPTURE_ORDER_", "PYTHON"))}
    clean.update(env, **({"PATH": path} if path is not None else {}))
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if ok:
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done


def constraints() -> Path:
    """The lock for this Python, as the Makefile chooses it."""
    own = ROOT / f"constraints-{sys.version_info[0]}.{sys.version_info[1]}.txt"
    return own if own.is_file() else ROOT / "constraints.txt"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the checkout."""
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-w", out, cwd=out)
    (built,) = out.glob("capture_order-*.whl")
    return built


def test_wheel_carries_the_contract_the_ruleset_and_the_tool_pins(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        spec = archive.read("capture_order/contract/openapi/capture-order.yaml")
        shipped = {source: archive.read(name) for source, name in RULESET_FILES.items()}
        pins = archive.read("capture_order/contract/npm/package.json")
    assert spec == (ROOT / "openapi" / "capture-order.yaml").read_bytes()
    assert "capture_order/conformance/fixtures.schema.json" in names
    assert "capture_order/conformance/report/report.schema.json" in names
    for vendored in ("ctrf.schema.json", "LICENSE", "SOURCE.md"):
        assert f"capture_order/conformance/report/ctrf_schema/{vendored}" in names
    assert len(shipped) >= 3
    assert shipped == {source: (ROOT / source).read_bytes() for source in RULESET_FILES}
    assert pins == (ROOT / "tools" / "npm" / "package.json").read_bytes()


def test_wheel_has_no_top_level_package_but_capture_order(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (record,) = [name for name in names if name.endswith(".dist-info/RECORD")]
        recorded = [line.split(",")[0] for line in archive.read(record).decode().splitlines()]
        dist_info = record.split("/")[0]
        top_level_txt = f"{dist_info}/top_level.txt"
        if top_level_txt in names:  # setuptools writes one; hatchling does not
            assert archive.read(top_level_txt).decode().split() == ["capture_order"]
    assert sorted(recorded) == sorted(names)
    assert {name.split("/")[0] for name in names} == {"capture_order", dist_info}


@pytest.mark.slow
def test_the_installed_tools_run_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv, outside = tmp_path / "venv", tmp_path / "elsewhere"
    outside.mkdir()
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    pip: list[str | Path] = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    run(*pip, "-c", constraints(), wheel, cwd=tmp_path)
    script = venv / "bin" / "capture-order"
    # PATH with the venv, node and the system's basics only: no Spectral nor Redocly on it.
    node = shutil.which("node")
    bare_path = os.pathsep.join(
        [str(venv / "bin"), *([str(Path(node).parent)] if node else []), "/usr/bin", "/bin"]
    )

    absent = run(venv / "bin" / "python", "-c", "import connexion", cwd=outside, ok=False)
    assert absent.returncode != 0, "the suite alone installed Connexion"
    assert "--base-url" in run(script, "conformance", "--help", cwd=outside).stdout
    lint_help = run(script, "lint", "--help", cwd=outside, COLUMNS="500").stdout
    ruleset = "capture_order/contract/lint/ruleset/.spectral.yaml"
    assert f"/site-packages/{ruleset})" in lint_help and str(venv) in lint_help  # the wheel's

    spectral_pin = PINS["@stoplight/spectral-cli"]
    if shutil.which("spectral", path=bare_path) is None:
        nowhere = run(script, "lint", cwd=outside, path=bare_path)
        assert (
            f"SKIPPED spectral: spectral not found ({SPECTRAL_ENV} not set, not on PATH): install "
            f"it with `npm install --global @stoplight/spectral-cli@{spectral_pin}`"
        ) in nowhere.stdout.splitlines()
        docs = run(
            script, "docs", "--out", outside / "page.html", cwd=outside, ok=False, path=bare_path
        )
        assert docs.returncode == 1
        assert (
            f"install it with `npm install --global @redocly/cli@{PINS['@redocly/cli']}`"
            in docs.stdout
        )

    spectral = find_tool("spectral", SPECTRAL_ENV)
    if spectral is None:
        pytest.fail(
            "Spectral is not installed: `make test` installs it with npm (`make npm-tools`)"
        )
    on_path = f"{spectral.parent}{os.pathsep}{bare_path}"
    lint = run(script, "lint", cwd=outside, path=on_path)
    lines = lint.stdout.splitlines()
    assert lines[0].startswith(f"lint {venv}")  # the wheel's own copy of the contract
    assert "spectral (.spectral.yaml): 0 errors, 0 warnings" in lines
    assert not [line for line in lines if line.startswith(("SKIPPED", "WARNING"))]
    assert lines[-1] == "lint: 0 errors, 0 warnings"
    # The project's own rules (spectral/functions/) run from the installed copy too.
    broken = outside / "broken.yaml"
    contract = (ROOT / "openapi" / "capture-order.yaml").read_text("utf-8")
    broken.write_text(contract.replace("application/problem+json", "application/json"), "utf-8")
    found = run(
        script, "lint", "--spec", broken, cwd=outside, ok=False, **{SPECTRAL_ENV: str(spectral)}
    )
    assert found.returncode == 1
    assert "co-error-is-problem-json" in found.stdout

    serve = run(script, "serve", cwd=outside, ok=False)
    assert serve.returncode == 2
    assert serve.stderr.strip().splitlines() == [
        "capture-order serve needs the server extra (connexion is not installed): "
        "pip install 'capture-order[server]'"
    ]

    run(*pip, "-c", constraints(), f"{wheel}[server]", cwd=tmp_path)
    assert "--database" in run(script, "serve", "--help", cwd=outside).stdout
    port = free_port()
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [script, "serve", "--port", str(port), "--database", database, "--demo"],
        cwd=outside,
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

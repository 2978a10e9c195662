"""Setting up the sandbox helper: the banner's values paste as they are, and half a setting in the
environment is one line naming what is missing and where it comes from."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from capture_order.server.sandbox.launch import (
    TOKEN_ENV,
    URL_ENV,
    RunningSandbox,
    SandboxSetupError,
)
from tests.harness import ROOT, ServerProcess

EXPORT = re.compile(r"^    export (CAPTURE_ORDER_SANDBOX_\w+)=(\S+)$", re.M)
USES_THE_FIXTURE = """
def test_uses_the_sandbox(sandbox):
    assert sandbox.clock()
"""


def run_plugin_tests(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """pytest with the plugin over one test that uses the `sandbox` fixture.

    No short summary (-rN): its line repeats the error where the terminal is wide enough.
    """
    test_file = tmp_path / "test_uses_sandbox.py"
    test_file.write_text(USES_THE_FIXTURE, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in (URL_ENV, TOKEN_ENV)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "capture_order.server.sandbox.pytest_plugin",
         str(test_file), "-q", "-rN", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=tmp_path, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("given", "missing"),
    [({URL_ENV: "http://127.0.0.1:8000"}, TOKEN_ENV), ({TOKEN_ENV: "x" * 32}, URL_ENV)],
)
def test_half_a_running_sandbox_fails_with_one_line_naming_the_missing_variable(
    given: dict[str, str], missing: str, tmp_path: Path
) -> None:
    (present,) = given
    done = run_plugin_tests(tmp_path, given)
    assert done.returncode == 1, done.stdout
    assert "KeyError" not in done.stdout and "Traceback" not in done.stdout
    expected = (
        f"{present} is set but {missing} is not: capture-order serve --sandbox (make sandbox) "
        f"prints it as 'export {missing}="
    )
    (line,) = (ln for ln in done.stdout.splitlines() if expected in ln)
    assert line.endswith(f"or unset {present} to start a sandbox for the tests")


def test_a_sandbox_url_that_is_no_url_is_named() -> None:
    with pytest.raises(SandboxSetupError, match=f"^{URL_ENV} is not an http:// URL: '127.0.0.1'"):
        RunningSandbox.from_env({URL_ENV: "127.0.0.1", TOKEN_ENV: "x" * 32})
    assert RunningSandbox.from_env({}) is None


@pytest.mark.requirement("CO-SBX-02")
def test_the_banner_values_paste_as_they_are(
    launch_server: Callable[..., ServerProcess], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)  # the server makes its own token
    server = launch_server("--sandbox", "--database", f"sqlite:///{tmp_path / 'sb.sqlite3'}")
    banner = server.output().split("Sandbox control API", 1)[1]
    exports = dict(EXPORT.findall(banner))
    assert exports == {URL_ENV: server.base_url, TOKEN_ENV: exports[TOKEN_ENV]}
    token = exports[TOKEN_ENV]
    assert re.search(rf"^  Admin token: +{re.escape(token)} ", banner, re.M)
    control = re.search(r"^  Control API: +(\S+)", banner, re.M)
    assert control is not None
    answer = httpx.get(f"{control.group(1)}/clock", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    # What the helper reads from those two variables reaches the same server.
    running = RunningSandbox.from_env(exports)
    assert running is not None
    with running.client() as client:
        assert client.clock().now is not None
    done = run_plugin_tests(tmp_path, exports)
    assert done.returncode == 0, done.stdout[-3000:]


def test_the_readme_banner_is_the_printed_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The sandbox:", 1)[1].split("\n## ", 1)[0]
    assert f"export {URL_ENV}=http://127.0.0.1:8000\n" in section
    assert f"export {TOKEN_ENV}=" in section
    assert "Bearer" not in section.split("Admin token:", 1)[1].split("(", 1)[0]

"""A client team's view: the README's examples are real tests that pass with the plugin alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from capture_order.server.sandbox.launch import TOKEN_ENV, RunningSandbox, SandboxServer
from capture_order.server.sandbox.pytest_plugin import URL_ENV
from tests.harness import ROOT

EXAMPLES = ROOT / "examples" / "sandbox" / "test_client_examples.py"
FAULT_KINDS = (
    "internal_error", "service_unavailable", "delay", "drop_before_commit", "drop_after_commit",
    "hold",
)  # fmt: skip


def readme_sandbox_blocks() -> list[str]:
    """The Python code blocks of the README's sandbox section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The sandbox:", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)\n```", section, flags=re.DOTALL)


def test_the_readme_examples_are_the_tested_ones_one_per_fault() -> None:
    examples = EXAMPLES.read_text(encoding="utf-8")
    conftest = (ROOT / "tests" / "sandbox" / "conftest.py").read_text(encoding="utf-8")
    blocks = readme_sandbox_blocks()
    assert len(blocks) >= 10
    assert [b for b in blocks if b not in examples and b not in conftest] == []
    for kind in FAULT_KINDS:
        assert any(f'sandbox.arm("{kind}"' in b for b in blocks), kind


@pytest.mark.slow
def test_the_examples_pass_with_the_plugin_alone(
    sandbox_server: SandboxServer | RunningSandbox,
) -> None:
    # Against the running session server (the plugin's "use a running server" way); the plugin
    # starting its own server is what every other test here does.
    env = {**os.environ, URL_ENV: sandbox_server.base_url, TOKEN_ENV: sandbox_server.admin_token}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "capture_order.server.sandbox.pytest_plugin",
         str(EXAMPLES), "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "8 passed" in done.stdout

"""The README's sandbox curl lines send bodies that `openapi/sandbox.yaml` accepts (the clock's
among them), judged with the project's validator, and the server answers them 200."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

from capture_order.contract.spec import pointer, read_spec
from capture_order.contract.validation import SchemaJudge
from capture_order.server.sandbox.launch import TOKEN_ENV, URL_ENV, RunningSandbox, SandboxServer
from tests.harness import ROOT

SANDBOX_DOCUMENT = ROOT / "openapi" / "sandbox.yaml"
PREFIX = "/_sandbox"
SH_BLOCK = re.compile(r"```sh\n(.*?)\n```", re.DOTALL)


def readme_curls() -> list[str]:
    """Every curl command of the README's sandbox section, continuation lines joined."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The sandbox:", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in SH_BLOCK.findall(section):
        commands += [c for c in block.replace("\\\n", " ").splitlines() if c.startswith("curl ")]
    return commands


def request_of(command: str) -> tuple[str, str, object]:
    """The method, the control API path and the JSON body a curl command sends."""
    words = shlex.split(command, posix=True)
    method = words[words.index("-X") + 1]
    (url,) = (w for w in words if PREFIX in w)
    body = json.loads(words[words.index("-d") + 1])
    return method.lower(), url.split(PREFIX, 1)[1], body


def test_the_readme_clock_bodies_are_valid_for_the_sandbox_document() -> None:
    spec = read_spec(SANDBOX_DOCUMENT)
    judge = SchemaJudge(spec)
    sent = [request_of(c) for c in readme_curls() if " -d " in c]
    assert {("put", "/clock"), ("post", "/clock/advance")} <= {(m, p) for m, p, _ in sent}
    for method, path, body in sent:
        media = pointer("paths", path, method, "requestBody", "content", "application/json")
        assert judge.errors(media + "/schema", body) == [], (method, path, body)


@pytest.mark.requirement("CO-SBX-07")
def test_the_readme_clock_commands_work_as_written(
    sandbox_server: SandboxServer | RunningSandbox,
) -> None:
    if shutil.which("curl") is None or shutil.which("bash") is None:
        pytest.skip("the README's lines are curl commands: curl and bash are needed")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        URL_ENV: sandbox_server.base_url,
        TOKEN_ENV: sandbox_server.admin_token,
    }
    clock = [c for c in readme_curls() if "/clock" in c]
    assert len(clock) == 2
    try:
        for command in clock:
            done = subprocess.run(
                ["bash", "-c", command + " -o /dev/null -w '%{http_code}'"],
                capture_output=True, text=True, env=env, timeout=30, check=True,
            )  # fmt: skip
            assert done.stdout == "200", command
    finally:
        with sandbox_server.client() as client:
            client.reset()  # real time again for the session's other tests

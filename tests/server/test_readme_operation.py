"""The README's "The operation in one minute" stays true: its curl lines, run as written against
`capture-order serve --demo` on a fresh database, get the answers it shows (status line, the
headers shown, every body field shown; `…` marks what the README leaves out)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.harness import ROOT, ServerProcess

ELIDED = "…"
ENDPOINT = "/api/v1/capture-order/"
BLOCK = re.compile(r"```(sh|http)\n(.*?)\n```", re.DOTALL)


@dataclass(frozen=True)
class Example:
    """One curl command of the section and the answer the README shows for it."""

    command: str
    answer: str


def section() -> str:
    """The section's text."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## The operation in one minute\n", 1)[1].split("\n## ", 1)[0]


def examples() -> list[Example]:
    """Every curl block with the http block after it."""
    found: list[Example] = []
    command = None
    for kind, text in BLOCK.findall(section()):
        if kind == "sh" and "curl" in text:
            command = text
        elif kind == "http":
            assert command is not None, f"an answer without its curl:\n{text}"
            found.append(Example(command, text))
            command = None
    return found


def with_sentinels(text: str) -> str:
    """JSON text with each bare `…` made a value: a `"…"` member of an object or array."""
    out, stack, in_string, escaped = [], [], False, False
    for char in text:
        if in_string:
            in_string = not (char == '"' and not escaped)
            escaped = char == "\\" and not escaped
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append(char)
        elif char in "}]":
            stack.pop()
        elif char == ELIDED:
            out.append(f'"{ELIDED}": "{ELIDED}"' if stack[-1] == "{" else f'"{ELIDED}"')
            continue
        out.append(char)
    return "".join(out)


def mismatches(shown: Any, real: Any, where: str = "body") -> list[str]:
    """Where the README's (shortened) value differs from the server's."""
    if isinstance(shown, dict):
        if not isinstance(real, dict):
            return [f"{where}: {real!r} is not an object"]
        keys = set(shown) - {ELIDED}
        problems = [f"{where}: fields {sorted(set(real) - keys)} not shown and no …"] * (
            ELIDED not in shown and set(real) != keys
        )
        for key in sorted(keys):
            if key not in real:
                problems.append(f"{where}.{key}: the server sent none")
            else:
                problems += mismatches(shown[key], real[key], f"{where}.{key}")
        return problems
    if isinstance(shown, list):
        elided = bool(shown) and shown[-1] == ELIDED
        items = shown[:-1] if elided else shown
        if not isinstance(real, list) or (
            len(real) < len(items) if elided else len(real) != len(items)
        ):
            return [f"{where}: {real!r} is not {shown!r}"]
        return [p for i, s in enumerate(items) for p in mismatches(s, real[i], f"{where}[{i}]")]
    return (
        [] if shown == real and type(shown) is type(real) else [f"{where}: {real!r}, not {shown!r}"]
    )


def parse_answer(text: str) -> tuple[str, dict[str, str], str]:
    """Status line, headers (lower-case names) and body of an HTTP answer's text."""
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    status, *lines = head.splitlines()
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status.strip(), headers, body.strip()


def test_the_section_shows_a_capture_a_replay_a_partial_capture_and_every_error_family() -> None:
    statuses = [parse_answer(e.answer)[0].split()[1] for e in examples()]
    assert statuses[:3] == ["200", "200", "200"]
    assert {"400", "401", "404", "409", "422"} <= set(statuses)
    assert {"413", "415"} & set(statuses)
    assert any("replayed" in e.answer for e in examples())
    assert any("order_items" in e.command for e in examples())
    assert f"URL=http://127.0.0.1:8000{ENDPOINT}\n" in section()


def test_the_readme_answers_are_the_servers(
    launch_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    if shutil.which("curl") is None or shutil.which("bash") is None:
        pytest.skip("the README's examples are curl lines: curl and bash are needed")
    server = launch_server("--database", f"sqlite:///{tmp_path / 'demo.sqlite3'}", "--demo")
    token = re.search(r"^  Authorization:  (Token \S+)", server.output(), re.M)
    assert token is not None, server.output()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C.UTF-8",  # the order numbers' letters, as a UTF-8 terminal sends them
        "URL": server.base_url + ENDPOINT,
        "TOKEN": token.group(1),
    }
    problems = []
    for example in examples():
        done = subprocess.run(
            ["bash", "-c", example.command], capture_output=True, env=env, timeout=30, check=True
        )
        status, headers, body = parse_answer(done.stdout.decode("utf-8"))
        shown_status, shown_headers, shown_body = parse_answer(example.answer)
        where = example.command.split("-d ", 1)[-1]
        # The status code, not its reason phrase: Python 3.13 took RFC 9110's names (422 is
        # "Unprocessable Content" there, "Unprocessable Entity" before).
        if status.split()[:2] != shown_status.split()[:2]:
            problems.append(f"{where}: {status!r}, not {shown_status!r}")
        for name, value in shown_headers.items():
            if headers.get(name) != value:
                problems.append(f"{where}: {name}: {headers.get(name)!r}, not {value!r}")
        shown = json.loads(with_sentinels(shown_body))
        problems += [f"{where}: {p}" for p in mismatches(shown, json.loads(body))]
    assert problems == []

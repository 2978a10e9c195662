"""`--help` of the command line, serve and seed: every option explained with its default, plain
text, the default database's real place, and the help of serve even without the server extra."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from capture_order.cli import main, parser_for
from tests.harness import ROOT

SERVER_COMMANDS = ("serve", "seed")


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What `capture-order ARGV --help` prints (it exits 0)."""
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def options_of(command: str) -> list[argparse.Action]:
    """The options of a subcommand's parser, --help aside."""
    parser = parser_for([command])
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = commands.choices[command]
    return [a for a in sub._actions if a.option_strings and a.dest != "help"]


PLAIN = [(), *((c,) for c in SERVER_COMMANDS), ("conformance",), ("conformance", "verify")]
PLAIN += [("proxy",), ("diff",), ("lint",), ("docs",)]


@pytest.mark.parametrize("argv", PLAIN)
def test_help_is_plain_text_without_markdown(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    text = help_text(capsys, *argv)
    assert "`" not in text
    assert text.startswith("usage: capture-order")


def test_verify_help_names_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    text = " ".join(help_text(capsys, "conformance", "verify").split())
    for status in ("0 every file as the run wrote it", "1 a file missing", "2 no readable"):
        assert status in text
    assert "REPORT_DIR a directory a run wrote with --report-dir" in text


@pytest.mark.parametrize("command", SERVER_COMMANDS)
def test_every_option_has_help_and_shows_its_default(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = " ".join(help_text(capsys, command).split())
    for action in options_of(command):
        name = action.option_strings[0]
        assert action.help, f"{name} has no help"
        if isinstance(action, argparse._StoreTrueAction):
            continue  # a flag: off unless given
        if action.default is None:  # no value: the help says what happens without it
            assert "(default: " in action.help, f"{name} does not say its default"
            continue
        shown = "loopback only" if action.default == [] else f"default: {action.default}"
        assert shown in text, f"{name} hides its default"


@pytest.mark.parametrize("command", SERVER_COMMANDS)
def test_the_default_database_is_said_to_be_relative_and_where_it_is(
    command: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    text = " ".join(help_text(capsys, command).split())
    assert "relative to the current directory" in text
    assert f"here {tmp_path / 'var' / 'capture-order.sqlite3'}" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--workers", "0"], "argument --workers: must be at least 1, not 0"),
        (["serve", "--port", "70000"], "argument --port: a port is 1-65535, not 70000"),
        (["seed", "--orders", "0"], "argument --orders: must be at least 1, not 0"),
        (["seed", "--items", "two"], "argument --items: not a whole number: 'two'"),
    ],
)
def test_counts_and_ports_out_of_range_are_usage_errors(
    argv: list[str], message: str, tmp_path: Path
) -> None:
    # A process of its own, bounded: a value taken silently would start a server.
    done = subprocess.run(
        [sys.executable, "-m", "capture_order", *argv],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].endswith(message)
    assert not (tmp_path / "var").exists()  # nothing opened or seeded


def test_serve_help_without_the_server_extra_shows_the_options_and_the_extra() -> None:
    # The extra's packages made unimportable in a fresh interpreter, as in a base install.
    script = (
        "import sys\n"
        "for name in ('connexion', 'sqlalchemy', 'uvicorn'):\n"
        "    sys.modules[name] = None\n"
        "from capture_order.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPTURE_ORDER_")}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    for command in SERVER_COMMANDS:
        shown = run(command, "--help")
        assert shown.returncode == 0, shown.stderr
        assert "--database URL" in shown.stdout
        assert (
            f"capture-order {command} needs the server extra (connexion is not installed): "
            "pip install 'capture-order[server]'"
        ) in shown.stdout
    refused = run("serve")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "capture-order serve needs the server extra (connexion is not installed): "
        "pip install 'capture-order[server]'"
    ]


@pytest.mark.parametrize("target", ["serve", "sandbox"])
def test_make_targets_take_port_and_host(target: str) -> None:
    def dry_run(*variables: str) -> str:
        done = subprocess.run(
            ["make", "-n", "-C", str(ROOT), target, *variables],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "HOST": "elsewhere.example", "PORT": "1"},  # not read from here
        )
        assert done.returncode == 0, done.stderr
        (line,) = (ln for ln in done.stdout.splitlines() if "capture-order serve" in ln)
        return line

    assert "--host 127.0.0.1 --port 8000" in dry_run()
    assert "--host 0.0.0.0 --port 9000" in dry_run("PORT=9000", "HOST=0.0.0.0")


def test_make_serve_reset_starts_on_a_fresh_demo_database() -> None:
    done = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "serve", "RESET=1", "DEMO_DB=build/x/demo.sqlite3"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    removal = next(i for i, ln in enumerate(lines) if ln.startswith("rm -f build/x/demo.sqlite3 "))
    assert "capture-order serve --demo" in lines[removal + 1]
    kept = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "serve"], capture_output=True, text=True, timeout=60
    )
    assert "rm -f" not in kept.stdout

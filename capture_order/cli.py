"""`capture-order COMMAND ...`: one argparse tree; each command's module is imported only when run.

Every command module exposes `add_arguments(parser)` and `run(args) -> int` (and `HELP`, its
one-line summary, which the table below repeats so that `capture-order --help` imports nothing).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import textwrap
from dataclasses import dataclass
from types import ModuleType

from capture_order import __version__

# What the `server` extra installs; a command that needs it says so before anything fails.
SERVER_EXTRA = ("connexion", "sqlalchemy", "uvicorn")


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, its module and what it is for."""

    name: str
    module: str
    help: str
    extra: str | None = None  # the pip extra it needs, when not the base install
    requires: tuple[str, ...] = ()  # the modules that extra provides

    def load(self) -> ModuleType:
        """The command's module (imported now)."""
        return importlib.import_module(self.module)


COMMANDS = (
    Command(
        "serve",
        "capture_order.server.commands.serve",
        "run the reference server",
        "server",
        SERVER_EXTRA,
    ),
    Command(
        "seed",
        "capture_order.server.commands.seed",
        "create test channels and orders",
        "server",
        SERVER_EXTRA,
    ),
    Command("lint", "capture_order.lint", "lint the contract and the suite's coverage of it"),
    Command("docs", "capture_order.contract.docs", "render the contract as one offline HTML page"),
    Command(
        "diff",
        "capture_order.contract.diff.diff_command",
        "review a change of the contract: breaking changes with witnesses",
    ),
    Command(
        "conformance",
        "capture_order.conformance.suite_command",
        "run the conformance suite against a deployment",
    ),
    Command(
        "proxy",
        "capture_order.conformance.traffic.proxy_command",
        "a recording, judging reverse proxy in front of a deployment",
        "proxy",
        ("httptools",),
    ),
)


class MissingExtraError(RuntimeError):
    """A command's module needs a distribution that is not installed."""


def _chosen(argv: list[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


class PlainHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help as plain text: the Markdown backticks of docstrings and option texts left out.

    Option texts are wrapped at spaces only, so that a path or URL in them (the default
    database's file) is never cut at a hyphen and can be copied whole.
    """

    def _format_text(self, text: str) -> str:
        return super()._format_text(text.replace("`", ""))

    def _expand_help(self, action: argparse.Action) -> str:
        return super()._expand_help(action).replace("`", "")

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = " ".join(text.split())
        return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


def _missing(command: Command) -> list[str]:
    return [name for name in command.requires if importlib.util.find_spec(name) is None]


def _install_hint(command: Command, missing: list[str]) -> str:
    return (
        f"capture-order {command.name} needs the {command.extra} extra "
        f"({missing[0]} is not installed): pip install 'capture-order[{command.extra}]'"
    )


def _load(command: Command, *, help_only: bool) -> ModuleType | None:
    """The command's module; for --help without its extra, the module if it imports at all."""
    missing = _missing(command)
    if missing and not help_only:
        raise MissingExtraError(_install_hint(command, missing))
    try:
        return command.load()
    except ImportError:
        if missing:  # its options need the extra too: the help says what to install
            return None
        raise


def _wants_help(argv: list[str]) -> bool:
    return any(arg in ("-h", "--help") for arg in argv)


def parser_for(argv: list[str]) -> argparse.ArgumentParser:
    """The command-line parser, with the options of the command `argv` names."""
    parser = argparse.ArgumentParser(
        prog="capture-order",
        description="Capture Order: the contract, a reference server and a conformance suite.",
        epilog="Each command has its own options: capture-order COMMAND --help.",
        formatter_class=PlainHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"capture-order {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _chosen(argv)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            formatter_class=PlainHelpFormatter,
        )
        if command.name != chosen:
            continue
        module = _load(command, help_only=_wants_help(argv))
        if module is not None:
            sub.description = module.__doc__ or command.help
            module.add_arguments(sub)
            sub.set_defaults(run=module.run)
        missing = _missing(command)
        if missing:  # only --help gets here without the extra: show it, and what to install
            sub.epilog = "\n\n".join(filter(None, (sub.epilog, _install_hint(command, missing))))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser_for(args_list).parse_args(args_list)
    except MissingExtraError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:  # Ctrl-C: one line and the shell's status for SIGINT, no traceback
        print(f"capture-order {args_list[0] if args_list else ''}: interrupted", file=sys.stderr)
        return 130
    return status


def entry() -> None:
    """The console script."""
    sys.exit(main())

"""The suite's options, declared once: the CLI flags, the pytest options and the environment."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "CAPTURE_ORDER_"


class OptionError(ValueError):
    """An option value that cannot be used (not a number, not positive, ...)."""


@dataclass(frozen=True)
class Option:
    """One setting of a run: where it comes from and what it looks like."""

    name: str  # the key in Settings and in the flags mapping
    help: str
    convert: Callable[[str], Any] = str
    metavar: str | None = None
    repeatable: bool = False  # --only A --only B,C
    switch: bool = False  # a flag without a value
    env: bool = True  # read from CAPTURE_ORDER_<NAME>
    pytest_flag: str | None = ""  # "" = the CLI flag; None = not offered under pytest
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        """The command-line flag."""
        return "--" + self.name.replace("_", "-")

    @property
    def variable(self) -> str | None:
        """The environment variable, when the option has one."""
        return ENV_PREFIX + self.name.upper() if self.env else None

    def parse(self, text: str, where: str) -> Any:
        """A value given as text (environment, pytest), converted; OptionError says why not."""
        if self.repeatable:
            return split(text)
        if self.switch:
            return text.strip().lower() in ("1", "true", "yes", "on")
        if self.choices and text not in self.choices:
            raise OptionError(f"{where} must be one of {', '.join(self.choices)}, got {text!r}")
        try:
            return self.convert(text)
        except ValueError:
            kind = getattr(self.convert, "__name__", "value")
            raise OptionError(f"{where} must be {_KINDS.get(kind, kind)}, got {text!r}") from None


_KINDS = {"int": "an integer", "float": "a number"}

OPTIONS: tuple[Option, ...] = (
    Option("base_url", "host root of the deployment, e.g. http://127.0.0.1:8000"),
    Option(
        "fixtures",
        "fixtures file (JSON, or TOML when it ends in .toml); see fixtures.schema.json",
        metavar="FILE",
        # pytest owns --fixtures (it lists pytest fixtures).
        pytest_flag="--fixtures-file",
    ),
    Option("token", "Authorization value of channel A (`Token <key>`)"),
    Option("foreign_token", "Authorization value of channel B"),
    Option(
        "report_dir",
        "write report.json, junit.xml, report.ctrf.json, report.html, fixtures.json and "
        "manifest.json here",
        metavar="DIR",
    ),
    Option("rate_limit", "at most this many requests per second", float, "R"),
    Option("max_response_time", "fail responses slower than this", float, "MS"),
    Option("seed", "seed for generated data (same seed, same cases)", int, "S"),
    Option("max_examples", "fuzzing budget per phase (default 100)", int, "N"),
    Option("workers", "fuzzing workers (default 1)", int, "N"),
    Option(
        "only",
        "run only the checks of these requirement IDs, case refs (CO-AUTH-01/no-header) or "
        "check names (repeatable, or comma-separated)",
        metavar="ID_OR_CHECK",
        repeatable=True,
    ),
    Option(
        "skip",
        "leave these requirement IDs or checks out (repeatable, or comma-separated)",
        metavar="ID_OR_CHECK",
        repeatable=True,
    ),
    Option(
        "traffic",
        "judge the exchanges recorded in this file (HAR or NDJSON) instead of sending requests",
        metavar="FILE",
        env=False,
        pytest_flag=None,
    ),
    Option(
        "profile",
        "default: exit 0 when nothing failed, even if cases were not checked; certify: exit 1 "
        "unless every MUST case was checked and passed",
        choices=("default", "certify"),
    ),
    # Gating on a baseline is the command line's (conformance.baseline); pytest has xfail.
    Option(
        "expected_failures",
        "a baseline of known failures (TOML, or JSON ending in .json): a listed failure "
        "fails nothing, an unlisted one fails the run, a listed case that passes fails it as "
        "stale",
        metavar="FILE",
        pytest_flag=None,
    ),
    Option(
        "write_baseline",
        "write this run's MUST failures to FILE as a TOML baseline, each reason a placeholder "
        "to fill in",
        metavar="FILE",
        env=False,
        pytest_flag=None,
    ),
    # pytest has its own -v; there the failures are printed in full anyway.
    Option("verbose", "print every failure in full", switch=True, env=False, pytest_flag=None),
)


def split(values: str | Iterable[str]) -> tuple[str, ...]:
    """Repeatable, comma-separated values as one tuple."""
    parts = [values] if isinstance(values, str) else list(values)
    return tuple(v.strip() for value in parts for v in value.split(",") if v.strip())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option as an argparse flag (dest = the option's name)."""
    for option in OPTIONS:
        help_text = option.help + (f" [env {option.variable}]" if option.variable else "")
        if option.switch:
            parser.add_argument(option.flag, dest=option.name, action="store_true", help=help_text)
        elif option.repeatable:
            parser.add_argument(
                option.flag,
                dest=option.name,
                action="append",
                default=[],
                metavar=option.metavar,
                help=help_text,
            )
        else:
            parser.add_argument(
                option.flag,
                dest=option.name,
                type=option.convert,
                metavar=option.metavar,
                choices=option.choices or None,
                help=help_text,
            )


def from_namespace(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed flags, as the flags mapping `capture_order.conformance.settings.resolve` takes."""
    values: dict[str, Any] = {}
    for option in OPTIONS:
        value = getattr(args, option.name, None)
        if option.repeatable:
            value = split(value or ())
        elif option.switch:
            value = value or None
        values[option.name] = value
    return values


def from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The options set in the environment (empty variables count as unset)."""
    values = {}
    for option in OPTIONS:
        if option.variable and env.get(option.variable):
            values[option.name] = option.parse(env[option.variable], option.variable)
    return values


def options_for_pytest() -> Sequence[tuple[Option, str]]:
    """The options offered under pytest, with the flag each has there."""
    return [(o, o.pytest_flag or o.flag) for o in OPTIONS if o.pytest_flag is not None]

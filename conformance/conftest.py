"""`pytest conformance/ --base-url URL ...`: the suite as pytest, one test per requirement.

The options are the CLI's, except `--fixtures` (pytest's own: it lists fixtures), which is
`--fixtures-file` here, and `--verbose` (pytest's -v).
"""

from __future__ import annotations

from typing import Any

import pytest

# The CLI's options: (flag, settings name, type).
OPTIONS = (
    ("--base-url", "base_url", None),
    ("--fixtures-file", "fixtures", None),
    ("--token", "token", None),
    ("--foreign-token", "foreign_token", None),
    ("--report-dir", "report_dir", None),
    ("--rate-limit", "rate_limit", float),
    ("--max-response-time", "max_response_time", float),
    ("--seed", "seed", int),
    ("--max-examples", "max_examples", int),
    ("--workers", "workers", int),
    ("--only", "only", None),
    ("--skip", "skip", None),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The same options as `capture-order conformance`."""
    group = parser.getgroup("capture-order conformance")
    for flag, dest, kind in OPTIONS:
        group.addoption(flag, dest=f"conformance_{dest}", type=kind, default=None)


def flags(config: pytest.Config) -> dict[str, Any]:
    """The options as the flags dict `conformance.settings.resolve` takes."""
    values = {dest: config.getoption(f"conformance_{dest}") for _, dest, _ in OPTIONS}
    for name in ("only", "skip"):
        raw = values[name] or ""
        values[name] = tuple(v.strip() for v in raw.split(",") if v.strip())
    return values

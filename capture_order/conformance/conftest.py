"""`pytest conformance/ --base-url URL ...`: the suite as pytest, one test per requirement.

The options are the CLI's (`conformance.options`), except where pytest owns the name: the
fixtures file is `--fixtures-file` here, and pytest's own -v replaces `--verbose`.
"""

from __future__ import annotations

from typing import Any

import pytest

from capture_order.conformance.options import options_for_pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """The same options as `capture-order conformance`."""
    group = parser.getgroup("capture-order conformance")
    for option, flag in options_for_pytest():
        group.addoption(flag, dest=f"conformance_{option.name}", default=None, help=option.help)


def flags(config: pytest.Config) -> dict[str, Any]:
    """The options as the flags mapping `capture_order.conformance.settings.resolve` takes."""
    values: dict[str, Any] = {}
    for option, flag in options_for_pytest():
        raw = config.getoption(f"conformance_{option.name}")
        values[option.name] = None if raw is None else option.parse(raw, flag)
    return values

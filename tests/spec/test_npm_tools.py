"""Where the spec tools find Spectral and Redocly CLI, and what they say of another version."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from capture_order.contract.lint.lint_command import REQUIRE_SPECTRAL_ENV
from capture_order.contract.lint.spectral import SPECTRAL_ENV
from capture_order.contract.npm_tools import (
    CHECKOUT_BIN,
    ToolNotFoundError,
    install_command,
    locate,
    version_warning,
)
from tests.harness import ROOT

PINS = json.loads((ROOT / "tools" / "npm" / "package.json").read_text("utf-8"))["devDependencies"]


def script(path: Path, body: str) -> Path:
    """An executable shell script at `path`."""
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def script_dir(tmp_path: Path) -> Path:
    """A folder holding a `spectral` of its own, for PATH."""
    folder = tmp_path / "on-path"
    folder.mkdir(exist_ok=True)
    script(folder / "spectral", "echo 1.0.0")
    return folder


def pinned_spectral() -> Path:
    """The checkout's pinned Spectral; skip where npm never installed it (fail in CI)."""
    binary = ROOT / CHECKOUT_BIN / "spectral"
    if not binary.is_file():
        if os.environ.get(REQUIRE_SPECTRAL_ENV, "") not in ("", "0"):
            pytest.fail(f"the pinned Spectral is missing while {REQUIRE_SPECTRAL_ENV} is set")
        pytest.skip("the pinned npm tools are not installed (`make npm-tools`)")
    return binary


def test_the_variable_wins_over_the_checkout_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = script(tmp_path / "my-spectral", "echo 6.16.3")
    monkeypatch.setenv("PATH", f"{script_dir(tmp_path)}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(SPECTRAL_ENV, str(chosen))
    assert locate("spectral", SPECTRAL_ENV) == chosen


def test_a_variable_naming_no_file_is_an_error_not_a_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{script_dir(tmp_path)}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(SPECTRAL_ENV, str(tmp_path / "nothing"))
    with pytest.raises(ToolNotFoundError) as missing:
        locate("spectral", SPECTRAL_ENV)
    assert str(missing.value) == f"{SPECTRAL_ENV}={tmp_path / 'nothing'} is not a file"


def test_in_a_checkout_the_pinned_copy_wins_over_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = pinned_spectral()
    monkeypatch.setenv("PATH", f"{script_dir(tmp_path)}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv(SPECTRAL_ENV, raising=False)
    assert locate("spectral", SPECTRAL_ENV) == pinned


def test_install_command_pins_the_locked_versions() -> None:
    assert install_command("spectral") == (
        f"npm install --global @stoplight/spectral-cli@{PINS['@stoplight/spectral-cli']}"
    )
    assert install_command("redocly") == f"npm install --global @redocly/cli@{PINS['@redocly/cli']}"


def test_the_pinned_spectral_draws_no_warning() -> None:
    assert version_warning("spectral", pinned_spectral()) is None


def test_another_version_draws_a_warning_naming_both(tmp_path: Path) -> None:
    other = script(tmp_path / "spectral", "echo 6.0.1")
    warning = version_warning("spectral", other)
    pinned = PINS["@stoplight/spectral-cli"]
    assert warning == (
        f"{other} reports version 6.0.1; the project is tested with spectral {pinned} "
        f"(`npm install --global @stoplight/spectral-cli@{pinned}`), and findings may differ"
    )


def test_a_tool_that_tells_no_version_draws_a_warning(tmp_path: Path) -> None:
    silent = script(tmp_path / "redocly", "exit 3")
    warning = version_warning("redocly", silent)
    assert warning is not None
    assert warning.startswith(f"{silent} reports no version; the project is tested with redocly")

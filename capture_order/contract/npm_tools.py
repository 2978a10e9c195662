"""The npm tools the spec tools run (Spectral, Redocly CLI): where each is, and its tested pin.

A tool is looked up as its variable names it (an explicit choice wins over any search, so it
can pick the pinned copy when another is on PATH), then in the checkout's `.npm-tools/`
(the copy `make npm-tools` installs from the lock: in a checkout the tested version beats
whatever PATH holds), then on `PATH` (an installed wheel has no checkout). A tool of another
version than the pin is used with a warning. The pins are read from `tools/npm/package.json`,
which the wheel carries as package data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

CHECKOUT_BIN = Path(".npm-tools/node_modules/.bin")
# The npm package of each tool's command; its version is the lock's (tools/npm/package.json).
PACKAGES = {"spectral": "@stoplight/spectral-cli", "redocly": "@redocly/cli"}
VERSION_TIMEOUT_S = 60
_VERSION = re.compile(r"\b\d+\.\d+\.\d+\S*")


class ToolNotFoundError(LookupError):
    """No binary of the tool where it is looked for; the message says where and how to get it."""


def checkout_root() -> Path:
    """The directory above the package: the checkout, when run from source."""
    return Path(__file__).resolve().parents[2]


def checkout() -> Path | None:
    """The checkout this package runs from (it may hold `.npm-tools/`), or None when installed."""
    root = checkout_root()
    return root if (root / "pyproject.toml").is_file() and (root / "openapi").is_dir() else None


def package_file(checkout_path: str, packaged_name: str) -> Path:
    """A file of the checkout when run from one, else the wheel's copy (under `contract/`)."""
    root = checkout()
    return root / checkout_path if root else Path(__file__).resolve().parent / packaged_name


def pinned_version(name: str) -> str:
    """The version of tool `name` the project is tested with."""
    lock = package_file("tools/npm/package.json", "npm/package.json")
    pins: dict[str, str] = json.loads(lock.read_text("utf-8"))["devDependencies"]
    return pins[PACKAGES[name]]


def install_command(name: str) -> str:
    """The one npm command that installs tool `name` at its tested version."""
    return f"npm install --global {PACKAGES[name]}@{pinned_version(name)}"


def locate(name: str, variable: str) -> Path:
    """Tool `name`'s binary: $`variable`, else the checkout's `.npm-tools/`, else `PATH`."""
    configured = os.environ.get(variable)
    if configured:
        if not Path(configured).is_file():
            raise ToolNotFoundError(f"{variable}={configured} is not a file")
        return Path(configured)
    root = checkout()
    if root and (root / CHECKOUT_BIN / name).is_file():
        return root / CHECKOUT_BIN / name
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    looked = f"{variable} not set, " + ("no .npm-tools/ in the checkout, " if root else "")
    also = " (or `make npm-tools` in the checkout)" if root else ""
    raise ToolNotFoundError(
        f"{name} not found ({looked}not on PATH): install it with `{install_command(name)}`{also}"
    )


def find_tool(name: str, variable: str) -> Path | None:
    """Tool `name`'s binary as `locate` finds it, or None."""
    try:
        return locate(name, variable)
    except ToolNotFoundError:
        return None


def version_warning(name: str, binary: Path) -> str | None:
    """A warning when `binary --version` is not the tested version (or says none), else None."""
    pinned = pinned_version(name)
    try:
        done = subprocess.run(
            [str(binary), "--version"],
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT_S,
            check=False,
        )
        found = _VERSION.search(done.stdout)
    except (OSError, subprocess.TimeoutExpired):
        found = None
    if found and found.group() == pinned:
        return None
    what = f"version {found.group()}" if found else "no version"
    return (
        f"{binary} reports {what}; the project is tested with {name} {pinned} "
        f"(`{install_command(name)}`), and findings may differ"
    )

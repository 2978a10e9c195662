"""Where the contract lives and what it says: the spec file and its requirement catalogue."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml

SPEC_NAME = "capture-order.yaml"
OPERATION_PATH = "/capture-order/"

Level = Literal["MUST", "SHOULD", "MAY"]


@dataclass(frozen=True)
class Requirement:
    """One normative rule of the spec's `x-requirements` catalogue."""

    id: str
    level: Level
    title: str
    text: str


def spec_path() -> Path:
    """The spec file: the checkout's `openapi/` when run from source, else the wheel's copy."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (
        package_dir.parent / "openapi" / SPEC_NAME,
        package_dir / "openapi" / SPEC_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SPEC_NAME} not found next to {package_dir}")


@functools.cache
def load_spec(path: Path | None = None) -> dict[str, Any]:
    """The spec as a dict (cached; treat it as read-only)."""
    with (path or spec_path()).open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def requirements(spec: dict[str, Any] | None = None) -> list[Requirement]:
    """The requirement catalogue, in spec order."""
    entries = (spec or load_spec()).get("x-requirements", [])
    return [Requirement(e["id"], e["level"], e["title"], e["text"]) for e in entries]


def base_path(spec: dict[str, Any] | None = None) -> str:
    """The path prefix of the spec's first server URL (`/api/v1`)."""
    url: str = (spec or load_spec())["servers"][0]["url"]
    return urlsplit(url).path.rstrip("/")

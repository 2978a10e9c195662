"""The requirement catalogue (`x-requirements`) as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from contract.spec import Spec, load_spec

Level = Literal["MUST", "SHOULD", "MAY"]
LEVELS: tuple[Level, ...] = ("MUST", "SHOULD", "MAY")


@dataclass(frozen=True)
class Requirement:
    """One normative rule of the spec's `x-requirements` catalogue."""

    id: str
    level: Level
    title: str
    text: str


def requirements(spec: Spec | None = None) -> list[Requirement]:
    """The requirement catalogue, in spec order."""
    entries = (spec or load_spec()).get("x-requirements", [])
    return [Requirement(e["id"], e["level"], e["title"], e["text"]) for e in entries]


def by_id(spec: Spec | None = None) -> dict[str, Requirement]:
    """The catalogue keyed by requirement ID."""
    return {r.id: r for r in requirements(spec)}

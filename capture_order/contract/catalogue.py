"""The requirement catalogue (`x-requirements`) as typed values: rules and their cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from capture_order.contract.spec import Spec, load_spec

Level = Literal["MUST", "SHOULD", "MAY"]
LEVELS: tuple[Level, ...] = ("MUST", "SHOULD", "MAY")
CASE_SEPARATOR = "/"


@dataclass(frozen=True)
class Case:
    """One situation a rule covers: `CO-AUTH-01/no-header` when cited."""

    requirement: str
    id: str
    text: str
    observable: bool = True
    reason: str = ""  # why no black-box check can observe it
    covers: tuple[str, ...] = ()  # phrases quoted from the rule's text: the clauses it covers

    @property
    def ref(self) -> str:
        """The case as checks and reports cite it."""
        return f"{self.requirement}{CASE_SEPARATOR}{self.id}"


@dataclass(frozen=True)
class Requirement:
    """One normative rule of the spec's `x-requirements` catalogue."""

    id: str
    level: Level
    title: str
    text: str
    cases: tuple[Case, ...] = ()

    @property
    def observable(self) -> tuple[Case, ...]:
        """The cases a black-box suite can check."""
        return tuple(c for c in self.cases if c.observable)


def requirement_of(ref: str) -> str:
    """The requirement ID of a case reference (or of a bare requirement ID)."""
    return ref.split(CASE_SEPARATOR, 1)[0]


def requirement_ids(refs: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct requirement IDs of case references, in order."""
    return tuple(dict.fromkeys(requirement_of(ref) for ref in refs))


def _cases(rid: str, entries: Any) -> tuple[Case, ...]:
    return tuple(
        Case(
            rid,
            str(e.get("id")),
            str(e.get("text", "")),
            e.get("observable", True) is not False,
            str(e.get("reason", "")),
            tuple(str(phrase) for phrase in e.get("covers") or ()),
        )
        for e in entries or ()
        if isinstance(e, dict)
    )


def requirements(spec: Spec | None = None) -> list[Requirement]:
    """The requirement catalogue, in spec order."""
    entries = (spec or load_spec()).get("x-requirements", [])
    return [
        Requirement(e["id"], e["level"], e["title"], e["text"], _cases(e["id"], e.get("cases")))
        for e in entries
    ]


def by_id(spec: Spec | None = None) -> dict[str, Requirement]:
    """The catalogue keyed by requirement ID."""
    return {r.id: r for r in requirements(spec)}


def cases_by_ref(spec: Spec | None = None) -> dict[str, Case]:
    """Every case of the catalogue keyed by its reference (`CO-AUTH-01/no-header`)."""
    return {c.ref: c for r in requirements(spec) for c in r.cases}

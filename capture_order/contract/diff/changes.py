"""A structural difference between two schemas, with the candidate values that may prove it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from capture_order.contract.diff.facets import Facet, Step
from capture_order.contract.diff.model import Severity
from capture_order.contract.validation import SchemaJudge, field_path


@dataclass(frozen=True)
class Candidate:
    """A value for `path` (or DELETE), meant to be accepted by version `side` only."""

    side: str  # "old" or "new"
    path: tuple[Step, ...]
    value: Any


@dataclass(frozen=True)
class Scope:
    """Where a change sits in both documents, and which keywords of the new schema make it.

    `member` narrows a keyword to one entry: a property name in `required` or `properties`.
    """

    old: Facet
    new: Facet
    keywords: tuple[str, ...]
    member: str | None = None


@dataclass
class Change:
    """One keyword-level difference found by walking both schemas side by side."""

    path: tuple[Step, ...]
    rule: str
    candidates: list[Candidate] = field(default_factory=list)
    # The directions the rule suggests; generation is tried for a suspected break left unproven.
    may_narrow: bool = True
    may_widen: bool = True
    fixed: Severity | None = None  # a class given by the rule itself (no validation meaning)
    # What to copy from the new document into the old one to make this change alone.
    scope: Scope | None = None


@dataclass(frozen=True)
class Judges:
    """The judges of both versions."""

    old: SchemaJudge
    new: SchemaJudge

    def of(self, side: str) -> SchemaJudge:
        """The judge of version `side`."""
        return self.old if side == "old" else self.new


def path_text(path: tuple[Step, ...], root: str = "<body>") -> str:
    """A path as reports write it: `order_items[0].pk`."""
    parts: list[str | int] = [0 if kind == "i" else name for kind, name in path]
    text = field_path(parts)
    return root if text == "<body>" else text


def shown(value: Any) -> str:
    """A keyword value as a report shows it (JSON, compact)."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

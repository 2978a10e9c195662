"""Both versions of the contract, and the lookups every comparison needs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from capture_order.contract.diff.change_isolation import isolated
from capture_order.contract.diff.changes import Change, Judges
from capture_order.contract.diff.facets import Facet
from capture_order.contract.diff.model import DiffFinding
from capture_order.contract.diff.places import Place
from capture_order.contract.diff.schema_walk import schema_changes
from capture_order.contract.diff.witnesses import Budget, finding
from capture_order.contract.spec import Spec, pointer, pointer_get
from capture_order.contract.validation import SchemaJudge

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Pair:
    """The old and the new document, their judges and the generation budget."""

    old: Spec
    new: Spec
    judges: Judges
    budget: Budget
    # One-change documents' judges by their operations: a shared schema changed under nine
    # statuses is one document.
    _alone: dict[str, SchemaJudge] = field(default_factory=dict, compare=False, repr=False)

    def doc(self, side: str) -> Spec:
        """The document of version `side`."""
        return self.old if side == "old" else self.new

    def place_findings(self, place: Place) -> Iterator[DiffFinding]:
        """Every schema change of one place, classified by its witnesses."""
        for change in schema_changes(self.judges, place.old, place.new):
            yield finding(self.alone(place, change), change, self.budget)

    def alone(self, place: Place, change: Change) -> Place:
        """The place judged on the old document with only this change made.

        The place itself (the whole new document) when the change has no validation meaning or
        could not be made alone.
        """
        if change.fixed is not None or change.scope is None:
            return place
        doc, operations = isolated(self.old, self.new, change.scope)
        if not operations:
            return place
        key = json.dumps(operations, sort_keys=True, default=repr)
        judge = self._alone.get(key)
        if judge is None:
            judge = self._alone[key] = SchemaJudge(doc)
        return place.alone(judge, operations)

    def facet(self, side: str, at: str | None) -> Facet:
        """The facet of the schema at `at` in version `side` (none: unconstrained)."""
        return Facet(self.doc(side), (at,) if at is not None else ())


def followed(doc: Spec, at: str) -> tuple[str, Any]:
    """The pointer and node at `at`, local `$ref`s followed."""
    node = pointer_get(doc, at)
    seen = set()
    while isinstance(node, dict) and "$ref" in node and at not in seen:
        seen.add(at)
        at = str(node["$ref"]).removeprefix("#")
        node = pointer_get(doc, at)
    return at, node


def operations(doc: Spec) -> dict[tuple[str, str], str]:
    """(path, method) -> the pointer of each operation."""
    found = {}
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            if isinstance(item, dict) and method in item:
                found[(path, method)] = pointer("paths", path, method)
    return found


def members(doc: Spec, at: str, key: str) -> dict[str, str]:
    """Name -> pointer of the members of a map (`content`, `headers`, `responses`) at `at`."""
    node = pointer_get(doc, at)
    return {name: f"{at}{pointer(key, name)}" for name in (node.get(key) or {})}


def schema_at(doc: Spec, at: str) -> str | None:
    """The pointer of the `schema` of the (followed) node at `at`, if it has one."""
    at, node = followed(doc, at)
    return f"{at}/schema" if isinstance(node, dict) and "schema" in node else None

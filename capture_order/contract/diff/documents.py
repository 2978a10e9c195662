"""Both versions of the contract, and the lookups every comparison needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from capture_order.contract.diff.changes import Judges
from capture_order.contract.diff.facets import Facet
from capture_order.contract.diff.model import Finding
from capture_order.contract.diff.places import Place
from capture_order.contract.diff.schema_walk import schema_changes
from capture_order.contract.diff.witnesses import Budget, finding
from capture_order.contract.spec import Spec, pointer, pointer_get

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Pair:
    """The old and the new document, their judges and the generation budget."""

    old: Spec
    new: Spec
    judges: Judges
    budget: Budget

    def doc(self, side: str) -> Spec:
        """The document of version `side`."""
        return self.old if side == "old" else self.new

    def place_findings(self, place: Place) -> Iterator[Finding]:
        """Every schema change of one place, classified by its witnesses."""
        for change in schema_changes(self.judges, place.old, place.new):
            yield finding(place, change, self.budget)

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

"""A schema location in one document, `$ref`s followed and `allOf` parts merged.

Written by hand: no maintained library merges OpenAPI 3.0 `allOf` parts for comparison. The merge
is only a guide for finding candidate witnesses; whether a value is valid is always decided by
`contract.validation.SchemaJudge` on the unmerged schemas, so an imprecise merge can cost a witness
but never produce a false one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capture_order.contract.spec import Spec, pointer_get

JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")
Bound = tuple[float, bool]  # (value, exclusive)


@dataclass(frozen=True)
class Facet:
    """The conjunction of the schema nodes at `pointers` in `doc` (none: any value)."""

    doc: Spec = field(compare=False, repr=False)
    pointers: tuple[str, ...]

    @property
    def parts(self) -> list[tuple[str, dict[str, Any]]]:
        """Every schema node that applies, `$ref`s followed and `allOf` flattened."""
        found: list[tuple[str, dict[str, Any]]] = []
        for at in self.pointers:
            _flatten(self.doc, at, found, set())
        return found

    @property
    def refs(self) -> tuple[str, ...]:
        """The `$ref`s the top-level nodes name (for a note when a target changes)."""
        nodes = (pointer_get(self.doc, at) for at in self.pointers)
        return tuple(n["$ref"] for n in nodes if isinstance(n, dict) and "$ref" in n)

    def child(self, step: Step) -> Facet:
        """The facet of a property, an array item or an additional property."""
        found: list[str] = []
        for at, node in self.parts:
            kind, name = step
            properties = node.get("properties", {})
            if kind == "p" and name in properties:
                found.append(f"{at}/properties/{_escape(name)}")
            elif kind in ("p", "a") and isinstance(node.get("additionalProperties"), dict):
                found.append(f"{at}/additionalProperties")
            elif kind == "i" and isinstance(node.get("items"), dict):
                found.append(f"{at}/items")
        return Facet(self.doc, tuple(found))

    def branches(self, keyword: str) -> list[Facet]:
        """The `oneOf` / `anyOf` branches of the first part that has them."""
        for at, node in self.parts:
            if keyword in node:
                return [
                    Facet(self.doc, (f"{at}/{keyword}/{i}",)) for i in range(len(node[keyword]))
                ]
        return []

    def shape(self) -> Shape:
        """The validation keywords of every part, merged."""
        return Shape.of(node for _, node in self.parts)


Step = tuple[str, str]  # ("p", name) property, ("i", "") array item, ("a", key) extra property


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _flatten(doc: Spec, at: str, found: list[tuple[str, dict[str, Any]]], seen: set[str]) -> None:
    node = pointer_get(doc, at)
    while isinstance(node, dict) and "$ref" in node and at not in seen:
        seen.add(at)
        at = str(node["$ref"]).removeprefix("#")
        node = pointer_get(doc, at)
    if not isinstance(node, dict) or at in seen:
        return
    seen.add(at)
    found.append((at, node))
    for index in range(len(node.get("allOf", []))):
        _flatten(doc, f"{at}/allOf/{index}", found, seen)


def _accepted_types(node: dict[str, Any]) -> frozenset[str] | None:
    kind = node.get("type")
    if kind is None:
        return None
    kinds = {kind, "integer"} if kind == "number" else {kind}
    if node.get("nullable"):
        kinds.add("null")
    return frozenset(kinds)


@dataclass
class Shape:
    """Merged validation keywords (tightest bound wins, sets intersect, required unites)."""

    types: frozenset[str] | None = None
    enum: list[Any] | None = None
    lower: Bound | None = None
    upper: Bound | None = None
    multiple_of: tuple[float, ...] = ()
    sizes: dict[str, int] = field(default_factory=dict)  # minLength, maxItems, ...
    patterns: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    required: frozenset[str] = frozenset()
    properties: tuple[str, ...] = ()
    closed: bool = False  # additionalProperties: false in some part
    extra_schema: bool = False  # additionalProperties is a schema in some part
    unique: bool = False
    combinators: tuple[str, ...] = ()  # oneOf / anyOf / not present
    deprecated: bool = False

    @classmethod
    def of(cls, nodes: Any) -> Shape:
        """The merge of schema nodes (each already free of `$ref` and `allOf`)."""
        shape = cls()
        for node in nodes:
            shape._add(node)
        return shape

    def _add(self, node: dict[str, Any]) -> None:
        kinds = _accepted_types(node)
        if kinds is not None:
            self.types = kinds if self.types is None else self.types & kinds
        if "enum" in node:
            values = list(node["enum"])
            self.enum = values if self.enum is None else [v for v in self.enum if v in values]
        if "minimum" in node:
            bound = (node["minimum"], bool(node.get("exclusiveMinimum")))
            self.lower = bound if self.lower is None else max(self.lower, bound)
        if "maximum" in node:
            bound = (node["maximum"], bool(node.get("exclusiveMaximum")))
            self.upper = bound if self.upper is None else min(self.upper, bound, key=_upper_key)
        if "multipleOf" in node:
            self.multiple_of += (node["multipleOf"],)
        for key in ("minLength", "minItems", "minProperties"):
            if key in node:
                self.sizes[key] = max(self.sizes.get(key, 0), int(node[key]))
        for key in ("maxLength", "maxItems", "maxProperties"):
            if key in node:
                self.sizes[key] = min(self.sizes.get(key, int(node[key])), int(node[key]))
        self.patterns += (node["pattern"],) if "pattern" in node else ()
        self.formats += (node["format"],) if "format" in node else ()
        self.required |= frozenset(node.get("required", ()))
        self.properties += tuple(p for p in node.get("properties", {}) if p not in self.properties)
        extra = node.get("additionalProperties", True)
        self.closed = self.closed or extra is False
        self.extra_schema = self.extra_schema or isinstance(extra, dict)
        self.unique = self.unique or bool(node.get("uniqueItems"))
        self.combinators += tuple(k for k in ("oneOf", "anyOf", "not") if k in node)
        self.deprecated = self.deprecated or bool(node.get("deprecated"))

    def accepts_type(self, kind: str) -> bool:
        """Whether values of this JSON type may pass the type check."""
        return self.types is None or kind in self.types


def _upper_key(bound: Bound) -> tuple[float, bool]:
    # For upper bounds an exclusive bound at the same value is the tighter one.
    return (bound[0], not bound[1])

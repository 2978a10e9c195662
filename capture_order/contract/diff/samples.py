"""Minimal valid values of a schema, and a value placed deep inside one.

Written by hand because generators (Schemathesis, Hypothesis) draw random values, while a witness
reads best as the smallest valid body with one field changed: required properties only, the
schema's own examples, the bound itself. Every value built here is checked with the SchemaJudge.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from capture_order.contract.diff.facets import Facet, Shape, Step
from capture_order.contract.validation import SchemaJudge


class _Nothing:
    """No value could be built (the schema admits none that this module can find)."""


NOTHING: Any = _Nothing()
DELETE: Any = type("_Delete", (), {"__repr__": lambda self: "DELETE"})()
FORMAT_SAMPLES = {
    "date-time": "2024-11-20T11:22:23Z",
    "date": "2024-11-20",
    "uri": "https://example.com/",
    "uri-reference": "/example",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "email": "someone@example.com",
    "uuid": "5f0c6a4e-6a57-4b0b-9d1c-3f3b8d1b2c10",
}
MAX_DEPTH = 12


def accepts(judge: SchemaJudge, facet: Facet, value: Any) -> bool:
    """Whether every schema node of the facet accepts the value."""
    return all(judge.is_valid(at, value) for at in facet.pointers)


def examples(facet: Facet) -> list[Any]:
    """The `example` values written on the facet's nodes."""
    found = [node["example"] for _, node in facet.parts if "example" in node]
    return found


def sample(judge: SchemaJudge, facet: Facet, depth: int = 0) -> Any:
    """A small value the facet accepts, or NOTHING."""
    if depth > MAX_DEPTH:
        return NOTHING
    shape = facet.shape()
    candidates: list[Any] = [v for v in shape.enum or () if v is not None]
    for kind in _preferred_kinds(shape):
        candidates.append(typed(judge, facet, shape, kind, depth))
    candidates += examples(facet)
    for combinator in ("oneOf", "anyOf"):
        candidates += [sample(judge, branch, depth + 1) for branch in facet.branches(combinator)]
    for value in candidates:
        if value is not NOTHING and accepts(judge, facet, value):
            return value
    return NOTHING


def _preferred_kinds(shape: Shape) -> list[str]:
    order = ["string", "integer", "number", "boolean", "array", "object", "null"]
    if shape.properties or shape.required:
        order.insert(0, "object")
    return [k for k in dict.fromkeys(order) if shape.accepts_type(k)]


def typed(judge: SchemaJudge, facet: Facet, shape: Shape, kind: str, depth: int = 0) -> Any:
    """A value of one JSON type within the facet's other constraints (not checked here)."""
    if kind == "object":
        value = {}
        for name in shape.properties:
            if name in shape.required:
                value[name] = sample(judge, facet.child(("p", name)), depth + 1)
        for name in shape.required - set(shape.properties):
            value[name] = sample(judge, facet.child(("p", name)), depth + 1)
        return NOTHING if NOTHING in value.values() else value
    if kind == "array":
        count = shape.sizes.get("minItems", 0)
        item = sample(judge, facet.child(("i", "")), depth + 1) if count else None
        return NOTHING if item is NOTHING else [copy.deepcopy(item) for _ in range(count)]
    if kind == "string":
        return _string(facet, shape)
    if kind in ("integer", "number"):
        return _number(facet, shape, integral=kind == "integer")
    return {"boolean": False, "null": None}.get(kind, NOTHING)


def _string(facet: Facet, shape: Shape) -> Any:
    written = [e for e in examples(facet) if isinstance(e, str)]
    text = next(iter(written), None)
    if text is None:
        text = next((FORMAT_SAMPLES[f] for f in shape.formats if f in FORMAT_SAMPLES), "x")
    return resize(text, max(shape.sizes.get("minLength", 0), min(len(text), _max_len(shape))))


def _max_len(shape: Shape) -> int:
    return shape.sizes.get("maxLength", 1 << 30)


def resize(text: str, length: int) -> str:
    """The text cut or padded (with its own last character) to `length` characters."""
    if length <= len(text):
        return text[:length]
    return text + (text[-1:] or "x") * (length - len(text))


def _number(facet: Facet, shape: Shape, integral: bool) -> Any:
    written = [e for e in examples(facet) if isinstance(e, int | float) and not isinstance(e, bool)]
    if written:
        return written[0]
    value: float = 1
    if shape.lower is not None:
        value = shape.lower[0] + (1 if shape.lower[1] else 0)
    elif shape.upper is not None:
        value = min(1, shape.upper[0] - (1 if shape.upper[1] else 0))
    if integral:
        value = math.ceil(value)
    for step in shape.multiple_of:
        value = math.ceil(value / step) * step
    return int(value) if integral or float(value).is_integer() else value


def place(judge: SchemaJudge, root: Facet, base: Any, path: tuple[Step, ...], value: Any) -> Any:
    """A copy of `base` with `value` at `path` (DELETE removes it); missing parents are sampled."""
    if not path:
        return copy.deepcopy(value)
    step, rest = path[0], path[1:]
    child = root.child(step)
    if step[0] == "i":
        items = copy.deepcopy(base) if isinstance(base, list) else []
        if not items:
            first = sample(judge, child)
            items.append({} if first is NOTHING else first)
        items[0] = place(judge, child, items[0], rest, value)
        return items
    members = copy.deepcopy(base) if isinstance(base, dict) else {}
    if not rest and value is DELETE:
        members.pop(step[1], None)
        return members
    current = members.get(step[1], NOTHING)
    if current is NOTHING:
        current = sample(judge, child)
    members[step[1]] = place(judge, child, {} if current is NOTHING else current, rest, value)
    return members

"""Two schemas walked side by side: properties, required, additionalProperties, items, branches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from capture_order.contract.diff.annotations import ANNOTATIONS
from capture_order.contract.diff.changes import Candidate, Change, Judges, Scope
from capture_order.contract.diff.facets import Facet, Shape, Step
from capture_order.contract.diff.keyword_rules import OTHER_VALUES, keyword_changes
from capture_order.contract.diff.model import Severity
from capture_order.contract.diff.samples import DELETE, NOTHING, examples, sample

# Keywords holding subschemas, compared by walking into them.
STRUCTURE = frozenset(
    {"properties", "items", "allOf", "oneOf", "anyOf", "not", "additionalProperties"}
)


def schema_changes(judges: Judges, old: Facet, new: Facet) -> list[Change]:
    """Every difference between the two schemas, from the root down."""
    return list(_walk(judges, old, new, (), set()))


def _walk(
    judges: Judges,
    old: Facet,
    new: Facet,
    path: tuple[Step, ...],
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]],
) -> Iterator[Change]:
    key = (old.pointers, new.pointers)
    if key in seen:
        return
    seen.add(key)
    if old.refs != new.refs and old.refs and new.refs:
        was, now = ", ".join(old.refs), ", ".join(new.refs)
        yield Change(path, f"now refers to `{now}` (was `{was}`)", [], False, False, Severity.DOCS)
    o, n = old.shape(), new.shape()
    here = [*keyword_changes(judges, old, new, path), *_required(old, new, o, n, path)]
    yield from here
    before, after = _signature(old), _signature(new)
    if not here and before != after:
        # Moved between allOf parts or otherwise respelled: generation has the last word.
        keywords = tuple(dict.fromkeys(k for part in [*before, *after] for k in part))
        rule = "schema rewritten, same merged constraints"
        yield Change(path, rule, may_narrow=True, scope=Scope(old, new, keywords))
    yield from _properties(judges, old, new, o, n, path, seen)
    yield from _additional(judges, old, new, o, n, path, seen)
    if any("items" in node for _, node in old.parts + new.parts):
        step: Step = ("i", "")
        yield from _walk(judges, old.child(step), new.child(step), (*path, step), seen)
    yield from _branches(judges, old, new, path, seen)


def _signature(facet: Facet) -> list[dict[str, Any]]:
    return [
        {
            k: v
            for k, v in node.items()
            if k not in STRUCTURE and k not in ANNOTATIONS and not k.startswith("x-")
        }
        for _, node in facet.parts
    ]


def _required(
    old: Facet, new: Facet, o: Shape, n: Shape, path: tuple[Step, ...]
) -> Iterator[Change]:
    for name in sorted(n.required - o.required):
        at = (*path, ("p", name))
        candidates = [Candidate("old", at, DELETE)]
        scope = Scope(old, new, ("required",), name)
        yield Change(at, "is now required", candidates, may_widen=False, scope=scope)
    for name in sorted(o.required - n.required):
        at = (*path, ("p", name))
        candidates = [Candidate("new", at, DELETE)]
        scope = Scope(old, new, ("required",), name)
        yield Change(at, "is no longer required", candidates, may_narrow=False, scope=scope)


def _properties(
    judges: Judges,
    old: Facet,
    new: Facet,
    o: Shape,
    n: Shape,
    path: tuple[Step, ...],
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]],
) -> Iterator[Change]:
    for name in dict.fromkeys(o.properties + n.properties):
        step: Step = ("p", name)
        at = (*path, step)
        if name in o.properties and name in n.properties:
            yield from _walk(judges, old.child(step), new.child(step), at, seen)
            continue
        side, other = ("old", "new") if name in o.properties else ("new", "old")
        facet = old if side == "old" else new
        value = sample(judges.of(side), facet.child(step))
        candidates = [Candidate(side, at, value)] if value is not NOTHING else []
        candidates += [Candidate(other, at, v) for v in OTHER_VALUES]
        rule = "property removed" if side == "old" else "property added"
        yield Change(at, rule, candidates, scope=Scope(old, new, ("properties",), name))


def _extra_key(facet: Facet, shape: Shape) -> str:
    for example in examples(facet):
        if isinstance(example, dict):
            for key in example:
                if key not in shape.properties:
                    return str(key)
    return "unknown_field"


def _additional(
    judges: Judges,
    old: Facet,
    new: Facet,
    o: Shape,
    n: Shape,
    path: tuple[Step, ...],
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]],
) -> Iterator[Change]:
    step: Step = ("a", _extra_key(old, o))
    at = (*path, step)
    if o.extra_schema and n.extra_schema and not (o.closed or n.closed):
        yield from _walk(judges, old.child(step), new.child(step), at, seen)
        return
    if (o.closed, o.extra_schema) == (n.closed, n.extra_schema):
        return
    rule = {
        (True, False): "unknown properties are now rejected (`additionalProperties: false`)",
        (False, True): "unknown properties are now accepted",
    }.get((n.closed, o.closed), "`additionalProperties` changed")
    candidates = []
    for side in ("old", "new"):
        facet = old if side == "old" else new
        value = sample(judges.of(side), facet.child(step))
        values = [value, *OTHER_VALUES] if value is not NOTHING else list(OTHER_VALUES)
        candidates += [Candidate(side, at, v) for v in values]
    change = Change(at, rule, candidates, scope=Scope(old, new, ("additionalProperties",)))
    # Closing an open object only narrows, opening a closed one only widens.
    change.may_narrow, change.may_widen = not o.closed or n.closed, o.closed or not n.closed
    yield change


def _branches(
    judges: Judges,
    old: Facet,
    new: Facet,
    path: tuple[Step, ...],
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]],
) -> Iterator[Change]:
    for keyword in ("oneOf", "anyOf"):
        ob, nb = old.branches(keyword), new.branches(keyword)
        if len(ob) == len(nb):
            for o_branch, n_branch in zip(ob, nb, strict=True):
                yield from _walk(judges, o_branch, n_branch, path, seen)
            continue
        candidates = [
            Candidate(side, path, sample(judges.of(side), branch))
            for side, branches in (("old", ob), ("new", nb))
            for branch in branches
        ]
        # Values of any type: a side without branches may accept what the other's refuse.
        candidates += [Candidate(side, path, v) for side in ("old", "new") for v in OTHER_VALUES]
        rule = f"`{keyword}` now has {len(nb)} branches (was {len(ob)})"
        found = [c for c in candidates if c.value is not NOTHING]
        # A combinator that went can only widen what is accepted, a new one only narrow it.
        yield Change(
            path,
            rule,
            found,
            may_narrow=bool(nb),
            may_widen=bool(ob),
            scope=Scope(old, new, (keyword,)),
        )
    o_not = [node["not"] for _, node in old.parts if "not" in node]
    n_not = [node["not"] for _, node in new.parts if "not" in node]
    if o_not != n_not:
        yield Change(path, "`not` changed", scope=Scope(old, new, ("not",)))

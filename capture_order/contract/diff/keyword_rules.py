"""Keyword rules of one schema location: type, nullable, enum, bounds, lengths, patterns, formats.

Each rule compares the merged keywords of both versions and proposes candidate values just past
the bound that moved, of the type that went, the enum value that came, and so on. The SchemaJudge
decides later which candidates really are witnesses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from capture_order.contract.diff.changes import Candidate, Change, Judges, Scope, shown
from capture_order.contract.diff.facets import JSON_TYPES, Bound, Facet, Shape, Step
from capture_order.contract.diff.model import Severity
from capture_order.contract.diff.samples import NOTHING, examples, resize, sample, typed

OTHER_VALUES: tuple[Any, ...] = ("x", 0, 1.5, True, None, [], {})
BOUND_NAMES = {"lower": ("minimum", "exclusiveMinimum"), "upper": ("maximum", "exclusiveMaximum")}
# OpenAPI 3.0 reads `nullable` beside `type`: the two move together.
TYPE_KEYWORDS = ("type", "nullable")


def keyword_changes(
    judges: Judges, old: Facet, new: Facet, path: tuple[Step, ...]
) -> Iterator[Change]:
    """Every keyword-level difference at one location, with candidates."""
    o, n = old.shape(), new.shape()
    ctx = _Context(judges, old, new, o, n, path)
    yield from ctx.types()
    yield from ctx.enum()
    yield from ctx.bounds()
    yield from ctx.sizes()
    yield from ctx.strings()
    if o.multiple_of != n.multiple_of:
        rule = f"`multipleOf` is now {_list(n.multiple_of)} (was {_list(o.multiple_of)})"
        change = ctx.change(rule, None, ("multipleOf",))
        before, after = set(o.multiple_of), set(n.multiple_of)
        change.may_narrow, change.may_widen = not after <= before, not before <= after
        yield change
    if o.unique != n.unique:
        side = "old" if n.unique else "new"
        item = sample(judges.of(side), ctx.facet(side).child(("i", "")))
        rule = "items must now be unique" if n.unique else "items may now repeat"
        values = {side: [] if item is NOTHING else [[item, item]]}
        change = ctx.change(rule, values, ("uniqueItems",))
        change.may_narrow, change.may_widen = n.unique, not n.unique
        yield change
    if o.deprecated != n.deprecated:
        rule = "is now deprecated" if n.deprecated else "is no longer deprecated"
        yield Change(path, rule, may_narrow=False, may_widen=False, fixed=Severity.NON_BREAKING)


def _list(values: tuple[Any, ...]) -> str:
    return ", ".join(f"`{shown(v)}`" for v in values) or "none"


def _types_text(types: frozenset[str] | None) -> str:
    if types is None:
        return "any type"
    names = sorted(
        t for t in types if t not in ("null",) and not (t == "integer" and "number" in types)
    )
    text = " or ".join(f"`{t}`" for t in names) or "`null`"
    return text + (", nullable" if "null" in types and names else "")


class _Context:
    def __init__(
        self, judges: Judges, old: Facet, new: Facet, o: Shape, n: Shape, path: tuple[Step, ...]
    ) -> None:
        self.judges, self.old, self.new, self.o, self.n, self.path = judges, old, new, o, n, path

    def facet(self, side: str) -> Facet:
        return self.old if side == "old" else self.new

    def shape(self, side: str) -> Shape:
        return self.o if side == "old" else self.n

    def sample(self, side: str) -> Any:
        return sample(self.judges.of(side), self.facet(side))

    def change(
        self, rule: str, values: dict[str, list[Any]] | None, keywords: tuple[str, ...]
    ) -> Change:
        """A change of `keywords` whose candidates are the values, or near-samples of both sides."""
        values = values if values is not None else {s: self.near(s) for s in ("old", "new")}
        candidates = [
            Candidate(side, self.path, value)
            for side, found in values.items()
            for value in found
            if value is not NOTHING
        ]
        scope = Scope(self.old, self.new, keywords)
        return Change(self.path, rule, candidates, scope=scope)

    def near(self, side: str) -> list[Any]:
        """Values version `side` probably accepts: its sample, examples and multiples."""
        found = [self.sample(side), *examples(self.facet(side))]
        found += [m * k for m in self.shape(side).multiple_of for k in (1, 2, 3)]
        return found

    def types(self) -> Iterator[Change]:
        every = frozenset(JSON_TYPES)
        o, n = self.o.types or every, self.n.types or every
        if o == n:
            return
        if o ^ n == {"null"}:
            rule = "is now nullable" if "null" in n else "is no longer nullable"
            side = "new" if "null" in n else "old"
            change = self.change(rule, {side: [None]}, TYPE_KEYWORDS)
            change.may_narrow, change.may_widen = side == "old", side == "new"
            yield change
            return
        rule = f"type is now {_types_text(self.n.types)} (was {_types_text(self.o.types)})"
        values: dict[str, list[Any]] = {"old": [], "new": []}
        for side, gone in (("old", o - n), ("new", n - o)):
            shape = self.shape(side)
            for kind in sorted(gone):
                value = typed(self.judges.of(side), self.facet(side), shape, kind)
                if kind == "number" and isinstance(value, int):
                    value = value + 0.5
                values[side].append(value)
        change = self.change(rule, values, TYPE_KEYWORDS)
        # Fewer types accept fewer values: only a lost type can narrow, only a new one widen.
        change.may_narrow, change.may_widen = not o <= n, not n <= o
        yield change

    def enum(self) -> Iterator[Change]:
        o, n = self.o.enum, self.n.enum
        if o == n:
            return
        if o is not None and n is not None:
            gone, came = [v for v in o if v not in n], [v for v in n if v not in o]
            if not gone and not came:
                yield Change(self.path, "enum values reordered", [], False, False, Severity.DOCS)
                return
            parts = [f"gained {_list(tuple(came))}"] if came else []
            parts += [f"lost {_list(tuple(gone))}"] if gone else []
            rule = "enum " + " and ".join(parts)
            change = self.change(rule, {"old": gone, "new": came}, ("enum",))
            change.may_narrow, change.may_widen = bool(gone), bool(came)
            yield change
        elif n is not None:
            others = [v for v in [*self.near("old"), *OTHER_VALUES] if v not in n]
            change = self.change(
                f"is now restricted to {_list(tuple(n))}", {"old": others}, ("enum",)
            )
            change.may_widen = False
            yield change
        else:
            others = [v for v in [*self.near("new"), *OTHER_VALUES] if v not in (o or [])]
            change = self.change("is no longer restricted to an enum", {"new": others}, ("enum",))
            change.may_narrow = False
            yield change

    def bounds(self) -> Iterator[Change]:
        for which, (plain, exclusive) in BOUND_NAMES.items():
            ob, nb = getattr(self.o, which), getattr(self.n, which)
            if ob == nb:
                continue
            text = f"now has `{plain}: {shown(nb[0])}`" if nb else f"no longer has `{plain}`"
            if nb and nb[1]:
                text += f" (`{exclusive}`)"
            was = f"`{plain}: {shown(ob[0])}`" if ob else f"no `{plain}`"
            values = {"old": _outside(nb, which), "new": _outside(ob, which)}
            change = self.change(f"{text} (was {was})", values, (plain, exclusive))
            # A bound that only moved outwards cannot reject a value it accepted, and back.
            tighter = ob is None or (nb is not None and _tighter(nb, ob, which))
            change.may_narrow, change.may_widen = tighter, not tighter
            yield change

    def sizes(self) -> Iterator[Change]:
        for key in sorted(set(self.o.sizes) | set(self.n.sizes)):
            ov, nv = self.o.sizes.get(key), self.n.sizes.get(key)
            if ov == nv:
                continue
            text = f"now has `{key}: {nv}`" if nv is not None else f"no longer has `{key}`"
            was = f"`{key}: {ov}`" if ov is not None else f"no `{key}`"
            step = -1 if key.startswith("min") else 1
            values = {
                side: [self.sized(side, key, bound + step)]
                for side, bound in (("old", nv), ("new", ov))
                if bound is not None and bound + step >= 0
            }
            change = self.change(f"{text} (was {was})", values, (key,))
            which = "lower" if key.startswith("min") else "upper"
            tighter = ov is None or (nv is not None and _tighter((nv, False), (ov, False), which))
            change.may_narrow, change.may_widen = tighter, not tighter
            yield change

    def sized(self, side: str, key: str, length: int) -> Any:
        judge, facet = self.judges.of(side), self.facet(side)
        if key.endswith("Length"):
            base = self.sample(side)
            return resize(base if isinstance(base, str) and base else "x", length)
        if key.endswith("Items"):
            item = sample(judge, facet.child(("i", "")))
            return NOTHING if item is NOTHING else [item] * length
        base = self.sample(side)
        members = dict(base) if isinstance(base, dict) else {}
        extra = sample(judge, facet.child(("a", "k")))
        for index in range(max(0, length - len(members))):
            members[f"key_{index}"] = "x" if extra is NOTHING else extra
        return dict(list(members.items())[:length])

    def strings(self) -> Iterator[Change]:
        for keyword, o, n in (
            ("pattern", self.o.patterns, self.n.patterns),
            ("format", self.o.formats, self.n.formats),
        ):
            if o == n:
                continue
            text = f"now has `{keyword}` {_list(n)}" if n else f"no longer has `{keyword}`"
            values = {side: self.string_variants(side) for side in ("old", "new")}
            change = self.change(f"{text} (was {_list(o) if o else 'none'})", values, (keyword,))
            # Patterns and formats all apply: more of them narrow, fewer widen.
            change.may_narrow, change.may_widen = not set(n) <= set(o), not set(o) <= set(n)
            yield change

    def string_variants(self, side: str) -> list[Any]:
        texts = [v for v in self.near(side) if isinstance(v, str)] or ["x"]
        found: list[Any] = []
        for text in texts:
            found += [text, text.lower(), text.upper(), f"{text} x", f"{text}\t", "x", "1", ""]
        return list(dict.fromkeys(found))


def _tighter(new: Bound, old: Bound, which: str) -> bool:
    if which == "lower":
        return new > old
    return (new[0], not new[1]) < (old[0], not old[1])


def _outside(bound: Bound | None, which: str) -> list[Any]:
    """Values just past a bound, integral ones first."""
    if bound is None:
        return []
    value, exclusive = bound
    sign = -1 if which == "lower" else 1
    found: list[Any] = [value] if exclusive else []
    found += [value + sign, value + sign * 0.5, value + sign * 0.001]
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in found]

"""A place a value travels (a body or a header) in both versions, judged with the SchemaJudge."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from capture_order.contract.diff.change_isolation import Operation
from capture_order.contract.diff.changes import Judges
from capture_order.contract.diff.facets import Facet, Step
from capture_order.contract.diff.samples import NOTHING, accepts, place, sample
from capture_order.contract.spec import pointer_get
from capture_order.contract.validation import SPEC_URI, SchemaJudge


@dataclass
class Place:
    """A body or header schema of one operation, in the old and the new version."""

    label: str  # the operation: "POST /capture-order/"
    kind: str  # "request body (application/json)", "409 response header Retry-After", ...
    area: str  # request-body, parameter, response-body, response-header
    sent_by_client: bool  # requests: a narrowing breaks clients; responses: a widening does
    judges: Judges
    old: Facet
    new: Facet
    header: bool = False  # the value travels as header text
    examples: dict[str, list[Any]] = field(default_factory=dict)  # documented whole values
    # The "new" side is the old document with these operations made (None: the new document).
    change: tuple[Operation, ...] | None = None
    _bases: dict[str, Any] = field(default_factory=dict)

    def facet(self, side: str) -> Facet:
        """The root schema of version `side`."""
        return self.old if side == "old" else self.new

    def alone(self, judge: SchemaJudge, change: tuple[Operation, ...]) -> Place:
        """This place with, as its new side, the old document `judge` holds after `change`."""
        old_examples = self.examples.get("old", [])
        return Place(
            self.label,
            self.kind,
            self.area,
            self.sent_by_client,
            Judges(self.judges.old, judge),
            self.old,
            Facet(judge.spec, self.old.pointers),
            self.header,
            {"old": old_examples, "new": old_examples},
            change,
            {k: v for k, v in self._bases.items() if k == "old"},
        )

    def accepts(self, side: str, value: Any) -> bool:
        """Whether version `side` accepts the value here."""
        return not self.rejection(side, value)

    def rejection(self, side: str, value: Any) -> list[str]:
        """Why version `side` rejects the value (empty: it accepts it)."""
        judge, facet = self.judges.of(side), self.facet(side)
        if not facet.pointers:
            return []  # an undocumented value is unconstrained
        if self.header:
            text = header_text(value)
            if text is None:
                return ["not representable as a header value"]
            # One schema is passed as a local `$ref` so that the SchemaJudge sees its type (integer
            # headers are parsed from text); several are a conjunction on the whole document.
            refs = [{"$ref": f"{SPEC_URI}#{at}"} for at in facet.pointers]
            one = {"$ref": f"#{facet.pointers[0]}"}
            header = {"schema": one if len(refs) == 1 else {"allOf": refs}}
            return judge.header_errors(header, text)
        return [m for at in facet.pointers for m in judge.errors(at, value, limit=1)]

    def base(self, side: str) -> Any:
        """A small whole value version `side` accepts: built from the schema, else an example."""
        if side not in self._bases:
            judge, facet = self.judges.of(side), self.facet(side)
            found = sample(judge, facet)
            if found is NOTHING or not accepts(judge, facet, found):
                valid = (e for e in self.examples.get(side, []) if accepts(judge, facet, e))
                found = next(valid, NOTHING)
            self._bases[side] = found
        return self._bases[side]

    def build(self, side: str, path: tuple[Step, ...], value: Any) -> Any:
        """The base value of `side` with `value` placed at `path` (NOTHING when no base)."""
        base = self.base(side)
        if base is NOTHING and path:
            return NOTHING
        return place(self.judges.of(side), self.facet(side), base, path, value)


def header_text(value: Any) -> str | None:
    """How a JSON value travels as header text (None: it cannot)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return None


def media_examples(doc: dict[str, Any], media: dict[str, Any]) -> list[Any]:
    """The whole values a media type object documents (`example`, `examples`)."""
    found = [media["example"]] if "example" in media else []
    for example in media.get("examples", {}).values():
        if "$ref" in example:
            example = pointer_get(doc, example["$ref"])
        if "value" in example:
            found.append(example["value"])
    return found

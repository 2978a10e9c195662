"""The old document with one change made: the document that judges that change's witness.

When several edits come at once, a value built to show one of them may be refused by the new
document for another (a body without a newly required field is refused whatever its `order` is).
So each schema change is made alone: the keywords that make it (its `Scope`) are copied from the
new document's schema nodes into a copy of the old document, and a witness must be accepted by one
of the old document and this one-change document and refused by the other.

Where both versions have the same nodes at the change (the same `$ref` targets and `allOf` parts),
each old node takes the new node's keywords. Otherwise the keywords leave the old nodes and the
new nodes' values join the first old node as `allOf` parts: the same conjunction. A copied value's
`$ref`s to definitions the old document lacks bring those definitions along. The edit is kept as
RFC 6902 operations on the old document, for the JSON report.

Written by hand: the edits are a few add, replace and remove operations at known pointers, and no
library derives "this change alone" from two schemas.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from capture_order.contract.diff.changes import Scope
from capture_order.contract.spec import Spec, pointer, pointer_get

Operation = dict[str, Any]  # {"op": "add" | "replace" | "remove", "path": ..., "value": ...}
Parts = list[tuple[str, dict[str, Any]]]


def isolated(old: Spec, new: Spec, scope: Scope) -> tuple[Spec, tuple[Operation, ...]]:
    """The old document with only the scoped change made, and the operations that make it."""
    edit = _Edit(copy.deepcopy(old), new)
    o_parts, n_parts = scope.old.parts, scope.new.parts
    if not o_parts:
        pass  # the old document has no schema here to change
    elif scope.member is not None and scope.keywords == ("required",):
        edit.required(o_parts, n_parts, scope.member)
    elif scope.member is not None:
        edit.property(o_parts, n_parts, scope.member)
    elif [at for at, _ in o_parts] == [at for at, _ in n_parts]:
        for (at, o), (_, n) in zip(o_parts, n_parts, strict=True):
            for key in scope.keywords:
                edit.mirror(at, key, o, n)
    else:
        edit.conjoined(o_parts, n_parts, scope.keywords)
    return edit.doc, tuple(edit.operations)


def applied(doc: Spec, operations: tuple[Operation, ...]) -> Spec:
    """A copy of `doc` with the operations made (as `isolated` recorded them)."""
    edit = _Edit(copy.deepcopy(doc), {})
    for operation in operations:
        if operation["op"] == "remove":
            edit.remove(operation["path"])
        else:
            edit.set(operation["path"], copy.deepcopy(operation["value"]))
    return edit.doc


class _Edit:
    """A working copy of the old document and the operations made to it so far."""

    def __init__(self, doc: Spec, new: Spec) -> None:
        self.doc, self.new = doc, new
        self.operations: list[Operation] = []

    def set(self, at: str, value: Any) -> None:
        parent, key = self._parent(at)
        self.operations.append({"op": "replace" if key in parent else "add", "path": at})
        self.operations[-1]["value"] = copy.deepcopy(value)
        parent[key] = value

    def remove(self, at: str) -> None:
        parent, key = self._parent(at)
        del parent[key]
        self.operations.append({"op": "remove", "path": at})

    def _parent(self, at: str) -> tuple[dict[str, Any], str]:
        head, _, last = at.rpartition("/")
        parent: dict[str, Any] = pointer_get(self.doc, head)
        return parent, last.replace("~1", "/").replace("~0", "~")

    def mirror(self, at: str, key: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """The old node at `at` takes the new node's `key` (or loses it)."""
        if key in new and old.get(key, _ABSENT) != new[key]:
            self.set(f"{at}{pointer(key)}", self.graft(new[key]))
        elif key in old and key not in new:
            self.remove(f"{at}{pointer(key)}")

    def conjoined(self, old: Parts, new: Parts, keywords: tuple[str, ...]) -> None:
        """The keywords leave every old node; the new nodes' values join as `allOf` parts."""
        for at, node in old:
            for key in keywords:
                if key in node:
                    self.remove(f"{at}{pointer(key)}")
        wanted = [{k: self.graft(n[k]) for k in keywords if k in n} for _, n in new]
        wanted = [part for part in wanted if part]
        if wanted:
            at, node = old[0]
            self.set(f"{at}/allOf", [*copy.deepcopy(node.get("allOf", [])), *wanted])

    def required(self, old: Parts, new: Parts, name: str) -> None:
        """`name` joins the old `required` (in the node that defines it) or leaves it."""
        if any(name in n.get("required", ()) for _, n in new):
            at, node = next(((a, o) for a, o in old if name in o.get("properties", {})), old[0])
            self.set(f"{at}/required", [*node.get("required", []), name])
            return
        for at, node in old:
            if name in node.get("required", ()):
                rest = [r for r in node["required"] if r != name]
                if rest:
                    self.set(f"{at}/required", rest)
                else:  # OpenAPI 3.0 wants a non-empty `required`
                    self.remove(f"{at}/required")

    def property(self, old: Parts, new: Parts, name: str) -> None:
        """The property `name` is added to the old object as the new one has it, or removed."""
        found = next(
            (n["properties"][name] for _, n in new if name in n.get("properties", {})), None
        )
        if found is None:
            for at, node in old:
                if name in node.get("properties", {}):
                    self.remove(f"{at}{pointer('properties', name)}")
            return
        at, node = next(((a, o) for a, o in old if "properties" in o), old[0])
        if "properties" in node:
            self.set(f"{at}{pointer('properties', name)}", self.graft(found))
        else:
            self.set(f"{at}/properties", {name: self.graft(found)})

    def graft(self, value: Any) -> Any:
        """A copy of a new document's value; the definitions its `$ref`s need come along."""
        value = copy.deepcopy(value)
        pending = list(_refs(value))
        while pending:
            at = pending.pop()
            missing = self._missing(at)
            if missing is not None:
                node = copy.deepcopy(pointer_get(self.new, missing))
                self.set(missing, node)
                pending += _refs(node)
        return value

    def _missing(self, at: str) -> str | None:
        """The shortest prefix of `at` the working copy lacks (None: it has all of `at`)."""
        parts = at.split("/")
        for end in range(2, len(parts) + 1):
            prefix = "/".join(parts[:end])
            try:
                pointer_get(self.doc, prefix)
            except (KeyError, IndexError, TypeError, ValueError):
                return prefix
        return None


_ABSENT = object()


def _refs(value: Any) -> Iterator[str]:
    """The local `$ref` pointers anywhere in a value."""
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            yield ref[1:]
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)

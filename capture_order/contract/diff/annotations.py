"""Changes without validation meaning: descriptions, summaries, examples, tags, `x-` notes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from capture_order.contract.diff.model import DiffFinding, Severity
from capture_order.contract.spec import pointer

ANNOTATIONS = frozenset(
    {
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "externalDocs",
        "tags",
        "contact",
        "license",
        "termsOfService",
        "version",
        "x-addition",
        "x-extensible-enum",
    }
)
# Maps whose keys are names (a property called `title` is not an annotation).
NAME_MAPS = frozenset(
    {
        "paths",
        "properties",
        "responses",
        "content",
        "headers",
        "schemas",
        "parameters",
        "securitySchemes",
        "requestBodies",
        "links",
        "callbacks",
        "variables",
        "encoding",
    }
)
# Compared elsewhere: the catalogue and the rules each operation names.
SKIPPED = frozenset({"x-requirements"})


def annotation_findings(old: Any, new: Any) -> Iterator[DiffFinding]:
    """Every annotation that differs, anywhere in the two documents."""
    yield from _walk(old, new, (), in_name_map=False)


def _walk(
    old: Any, new: Any, at: tuple[str | int, ...], in_name_map: bool
) -> Iterator[DiffFinding]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in dict.fromkeys([*old, *new]):
            if key in SKIPPED and not in_name_map:
                continue
            here = (*at, key)
            annotation = not in_name_map and (key in ANNOTATIONS or str(key).startswith("x-"))
            if annotation:
                if old.get(key) != new.get(key):
                    yield _docs(here, key, old.get(key), new.get(key))
            elif key in old and key in new:
                yield from _walk(old[key], new[key], here, not in_name_map and key in NAME_MAPS)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (o, n) in enumerate(zip(old, new, strict=True)):
            yield from _walk(o, n, (*at, index), in_name_map=False)


def _docs(at: tuple[str | int, ...], key: str, old: Any, new: Any) -> DiffFinding:
    state = "added" if old is None else "removed" if new is None else "changed"
    if key == "version" and at == ("info", "version"):
        rule = f"info.version {old} -> {new}"
    else:
        rule = f"`{key}` {state}"
    return DiffFinding(Severity.DOCS, "document", f"#{pointer(*at)}", rule)

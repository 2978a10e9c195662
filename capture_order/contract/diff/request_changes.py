"""What clients send: parameters, the request body and its media types, security."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from capture_order.contract.diff.documents import Pair, followed, members, schema_at
from capture_order.contract.diff.model import DiffFinding, Severity
from capture_order.contract.diff.places import Place, media_examples
from capture_order.contract.spec import Spec, pointer_get

BREAKS = Severity.BREAKING_CLIENTS
ADDS = Severity.NON_BREAKING


def parameters(doc: Spec, op_at: str) -> dict[tuple[str, str], str]:
    """(in, lower-cased name) -> followed pointer of each parameter (operation over path level)."""
    found: dict[tuple[str, str], str] = {}
    for owner in (op_at.rsplit("/", 1)[0], op_at):
        for index in range(len(pointer_get(doc, owner).get("parameters", []))):
            at, node = followed(doc, f"{owner}/parameters/{index}")
            found[(node["in"], node["name"].lower())] = at
    return found


def parameter_findings(pair: Pair, label: str, old_at: str, new_at: str) -> Iterator[DiffFinding]:
    """Parameters added, removed, newly required, or with another schema."""
    old, new = parameters(pair.old, old_at), parameters(pair.new, new_at)
    for key in dict.fromkeys([*old, *new]):
        where = f"{label}: {key[0]} parameter {key[1]}"
        o = pointer_get(pair.old, old[key]) if key in old else None
        n = pointer_get(pair.new, new[key]) if key in new else None
        name = (n or o or {}).get("name", key[1])
        absent = f"a request without the {key[0]} parameter `{name}`"
        if n is None:
            yield DiffFinding(ADDS, "parameter", where, f"{key[0]} parameter `{name}` removed")
        elif o is None:
            if n.get("required"):
                rule = f"new required {key[0]} parameter `{name}`"
                yield DiffFinding(BREAKS, "parameter", where, rule, ("clients",), evidence=absent)
            else:
                yield DiffFinding(
                    ADDS, "parameter", where, f"new optional {key[0]} parameter `{name}`"
                )
        else:
            if bool(o.get("required")) != bool(n.get("required")):
                if n.get("required"):
                    rule = f"{key[0]} parameter `{name}` is now required"
                    yield DiffFinding(
                        BREAKS, "parameter", where, rule, ("clients",), evidence=absent
                    )
                else:
                    yield DiffFinding(ADDS, "parameter", where, f"`{name}` is no longer required")
            place = Place(
                label,
                f"request {key[0]} {name}",
                "parameter",
                True,
                pair.judges,
                pair.facet("old", schema_at(pair.old, old[key])),
                pair.facet("new", schema_at(pair.new, new[key])),
                header=True,
            )
            yield from pair.place_findings(place)


def body_findings(pair: Pair, label: str, old_at: str, new_at: str) -> Iterator[DiffFinding]:
    """The request body: presence, required, media types and each media type's schema."""
    o_body = _body(pair.old, old_at)
    n_body = _body(pair.new, new_at)
    where = f"{label}: request body"
    if o_body is None or n_body is None:
        if o_body is not None:
            yield DiffFinding(BREAKS, "request-body", where, "request body removed", ("clients",))
        elif n_body is not None:
            required = bool(pointer_get(pair.new, n_body).get("required"))
            rule = "new request body" + (" (required)" if required else "")
            severity = BREAKS if required else ADDS
            yield DiffFinding(
                severity, "request-body", where, rule, ("clients",) if required else ()
            )
        return
    o_required = bool(pointer_get(pair.old, o_body).get("required"))
    n_required = bool(pointer_get(pair.new, n_body).get("required"))
    if o_required != n_required:
        if n_required:
            rule, evidence = "the request body is now required", "a request without a body"
            yield DiffFinding(BREAKS, "request-body", where, rule, ("clients",), evidence=evidence)
        else:
            yield DiffFinding(ADDS, "request-body", where, "the request body is now optional")
    old_media, new_media = (
        members(pair.old, o_body, "content"),
        members(pair.new, n_body, "content"),
    )
    for media in dict.fromkeys([*old_media, *new_media]):
        if media not in new_media:
            rule = f"media type `{media}` is no longer accepted"
            evidence = f"a request with `Content-Type: {media}`"
            yield DiffFinding(BREAKS, "media-type", where, rule, ("clients",), evidence=evidence)
        elif media not in old_media:
            yield DiffFinding(ADDS, "media-type", where, f"media type `{media}` is now accepted")
        else:
            kind = f"request body ({media})"
            media_at = (old_media[media], new_media[media])
            place = media_place(pair, label, kind, "request-body", True, media_at)
            yield from pair.place_findings(place)


def _body(doc: Spec, op_at: str) -> str | None:
    if "requestBody" not in pointer_get(doc, op_at):
        return None
    return followed(doc, f"{op_at}/requestBody")[0]


def media_place(
    pair: Pair, label: str, kind: str, area: str, sent_by_client: bool, media: tuple[str, str]
) -> Place:
    """The place of one media type's body, with the examples each version documents."""

    def side_examples(doc: Spec, at: str) -> list[Any]:
        return media_examples(doc, pointer_get(doc, at))

    old_at, new_at = media
    return Place(
        label,
        kind,
        area,
        sent_by_client,
        pair.judges,
        pair.facet("old", schema_at(pair.old, old_at)),
        pair.facet("new", schema_at(pair.new, new_at)),
        examples={"old": side_examples(pair.old, old_at), "new": side_examples(pair.new, new_at)},
    )

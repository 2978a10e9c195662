"""What clients receive: status codes, headers, media types and each body's schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from capture_order.contract.diff.documents import Pair, followed, members, schema_at
from capture_order.contract.diff.model import DiffFinding, Severity
from capture_order.contract.diff.places import Place
from capture_order.contract.diff.request_changes import media_place
from capture_order.contract.diff.witnesses import checked_witness
from capture_order.contract.spec import pointer_get

BREAKS = Severity.BREAKING_CLIENTS
ADDS = Severity.NON_BREAKING
# Values an undocumented header may carry; one the old schema rejects proves the removal.
HEADER_PROBES = ("x", "", "-1", "0", "false", "true", "1.5", "Token")


def response_findings(pair: Pair, label: str, old_at: str, new_at: str) -> Iterator[DiffFinding]:
    """Statuses added or removed, and the headers and bodies of statuses in both."""
    old, new = members(pair.old, old_at, "responses"), members(pair.new, new_at, "responses")
    for status in dict.fromkeys([*old, *new]):
        where = f"{label}: {status} response"
        if status not in old:
            rule = (
                f"new response status {status}: clients may receive a response they do not handle"
            )
            evidence = f"a {status} response"
            yield DiffFinding(BREAKS, "response", where, rule, ("clients",), evidence=evidence)
        elif status not in new:
            yield DiffFinding(ADDS, "response", where, f"status {status} is no longer documented")
        else:
            o_at, n_at = followed(pair.old, old[status])[0], followed(pair.new, new[status])[0]
            yield from _headers(pair, (label, status), where, o_at, n_at)
            yield from _content(pair, (label, status), where, o_at, n_at)


def _headers(
    pair: Pair, at: tuple[str, str], where: str, old_at: str, new_at: str
) -> Iterator[DiffFinding]:
    label, status = at
    old = {k.lower(): v for k, v in members(pair.old, old_at, "headers").items()}
    new = {k.lower(): v for k, v in members(pair.new, new_at, "headers").items()}
    for key in dict.fromkeys([*old, *new]):
        o = followed(pair.old, old[key])[1] if key in old else None
        n = followed(pair.new, new[key])[1] if key in new else None
        name = next(
            (at.rsplit("/", 1)[-1] for at in (old.get(key), new.get(key)) if at), key
        ).replace("~1", "/")
        place = Place(
            label,
            f"{status} response header {name}",
            "response-header",
            False,
            pair.judges,
            pair.facet("old", schema_at(pair.old, old[key]) if key in old else None),
            pair.facet("new", schema_at(pair.new, new[key]) if key in new else None),
            header=True,
        )
        here = f"{where} header {name}"
        absent = f"a {status} response without `{name}`"
        if n is None:
            rule = f"header `{name}` removed: clients that relied on it lose it"
            # This change alone: the old document without the header, which has no schema then.
            alone = replace(place, change=({"op": "remove", "path": old[key]},))
            witness = next(
                (
                    w
                    for v in HEADER_PROBES
                    if (w := checked_witness(alone, v, "new", "construction"))
                ),
                None,
            )
            evidence = absent if o and o.get("required") else None
            yield DiffFinding(
                BREAKS, "response-header", here, rule, ("clients",), witness, evidence
            )
        elif o is None:
            yield DiffFinding(ADDS, "response-header", here, f"new header `{name}`")
        else:
            if bool(o.get("required")) != bool(n.get("required")):
                if n.get("required"):
                    yield DiffFinding(ADDS, "response-header", here, f"`{name}` is now always sent")
                else:
                    rule = f"header `{name}` is no longer required"
                    yield DiffFinding(
                        BREAKS, "response-header", here, rule, ("clients",), None, absent
                    )
            yield from pair.place_findings(place)


def _content(
    pair: Pair, at: tuple[str, str], where: str, old_at: str, new_at: str
) -> Iterator[DiffFinding]:
    label, status = at
    old_media = members(pair.old, old_at, "content") if _has(pair, "old", old_at) else {}
    new_media = members(pair.new, new_at, "content") if _has(pair, "new", new_at) else {}
    for media in dict.fromkeys([*old_media, *new_media]):
        if media not in old_media:
            rule = f"responses may now be `{media}`"
            evidence = f"a {status} response with `Content-Type: {media}`"
            yield DiffFinding(BREAKS, "media-type", where, rule, ("clients",), evidence=evidence)
        elif media not in new_media:
            yield DiffFinding(ADDS, "media-type", where, f"`{media}` is no longer sent")
        else:
            kind = f"{status} response body ({media})"
            media_at = (old_media[media], new_media[media])
            place = media_place(pair, label, kind, "response-body", False, media_at)
            yield from pair.place_findings(place)


def _has(pair: Pair, side: str, at: str) -> bool:
    return "content" in pointer_get(pair.doc(side), at)

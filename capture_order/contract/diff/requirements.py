"""The requirement catalogue compared: rules added, removed, re-levelled, reworded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from capture_order.contract.diff.documents import operations
from capture_order.contract.diff.model import DiffFinding, Reworded, Severity
from capture_order.contract.diff.normative import same_meaning
from capture_order.contract.spec import Spec, pointer_get

CLIENTS = Severity.BREAKING_CLIENTS
DEPLOYMENTS = Severity.BREAKING_DEPLOYMENTS
KNOWN_FIELDS = ("id", "level", "title", "text")
# A case's keys that document it (which clauses it covers), not what a deployment must do.
DOCUMENTING_CASE_KEYS = ("covers",)
STRENGTH = {"MUST": 2, "SHOULD": 1, "MAY": 0}


def _entries(doc: Spec) -> dict[str, dict[str, Any]]:
    entries = doc.get("x-requirements") or []
    return {str(e.get("id")): e for e in entries if isinstance(e, dict)}


def _text(value: Any) -> str:
    """A field as prose: strings as they are, structures as their keys and string leaves."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    return json.dumps(value)


def _undocumented(cases: Any) -> Any:
    """Cases without the keys that only document them."""
    if not isinstance(cases, list):
        return cases
    return [
        {k: v for k, v in c.items() if k not in DOCUMENTING_CASE_KEYS} if isinstance(c, dict) else c
        for c in cases
    ]


def _covers(cases: Any) -> dict[str, Any]:
    """Each case's `covers`, by case id."""
    if not isinstance(cases, list):
        return {}
    return {str(c.get("id")): c["covers"] for c in cases if isinstance(c, dict) and "covers" in c}


def requirement_findings(old: Spec, new: Spec) -> Iterator[DiffFinding]:
    """Every catalogue change, with the side it affects."""
    before, after = _entries(old), _entries(new)
    for rule_id in dict.fromkeys([*before, *after]):
        o, n = before.get(rule_id), after.get(rule_id)
        if n is None and o is not None:
            yield _removed(rule_id, o)
        elif o is None and n is not None:
            yield _added(rule_id, n)
        elif o is not None and n is not None:
            yield from _changed(rule_id, o, n)
    yield from _applied(old, new, before, after)


def _finding(severity: Severity, rule_id: str, rule: str, **extra: Any) -> DiffFinding:
    extra.setdefault("catalogue", "changed")
    return DiffFinding(severity, "requirement", rule_id, rule, requirement=rule_id, **extra)


def _removed(rule_id: str, entry: dict[str, Any]) -> DiffFinding:
    level = entry.get("level")
    if level == "MUST":
        title = entry.get("title")
        rule = f"MUST rule removed: clients that relied on it lose the guarantee ({title})"
        return _finding(CLIENTS, rule_id, rule, affects=("clients",), catalogue="removed")
    return _finding(Severity.NON_BREAKING, rule_id, f"{level} rule removed", catalogue="removed")


def _added(rule_id: str, entry: dict[str, Any]) -> DiffFinding:
    level = entry.get("level")
    if level == "MUST":
        rule = f"new MUST rule: deployments may no longer conform ({entry.get('title')})"
        return _finding(DEPLOYMENTS, rule_id, rule, affects=("deployments",), catalogue="added")
    rule = f"new {level} rule ({entry.get('title')})"
    return _finding(Severity.NON_BREAKING, rule_id, rule, catalogue="added")


def _changed(rule_id: str, o: dict[str, Any], n: dict[str, Any]) -> Iterator[DiffFinding]:
    was, now = o.get("level"), n.get("level")
    if was != now:
        stronger = STRENGTH.get(str(now), 0) > STRENGTH.get(str(was), 0)
        rule = f"level {was} -> {now}"
        if now == "MUST":
            yield _finding(
                DEPLOYMENTS,
                rule_id,
                rule + ": deployments may no longer conform",
                affects=("deployments",),
            )
        elif was == "MUST":
            yield _finding(
                CLIENTS,
                rule_id,
                rule + ": clients lose a guarantee they relied on",
                affects=("clients",),
            )
        else:
            yield _finding(
                Severity.NON_BREAKING, rule_id, rule + (" (stricter)" if stronger else "")
            )
    if o.get("title") != n.get("title"):
        words = Reworded("title", _text(o.get("title", "")), _text(n.get("title", "")))
        yield _finding(Severity.DOCS, rule_id, "title reworded", reworded=words)
    fields = [k for k in dict.fromkeys([*o, *n]) if k not in ("id", "level", "title")]
    for key in fields:
        was_value, now_value = o.get(key, ""), n.get(key, "")
        if key == "cases":
            if _covers(was_value) != _covers(now_value):
                words = Reworded("cases", _text(_covers(was_value)), _text(_covers(now_value)))
                rule = "cases' covers changed (the clauses they cover: documentation)"
                yield _finding(Severity.DOCS, rule_id, rule, reworded=words)
            was_value, now_value = _undocumented(was_value), _undocumented(now_value)
        before, after = _text(was_value), _text(now_value)
        if before == after:
            continue
        label = "text" if key == "text" else f"field `{key}`"
        words = Reworded(key, before, after)
        if same_meaning(before, after):
            rule = f"{label} reworded, same normative content"
            yield _finding(Severity.DOCS, rule_id, rule, reworded=words)
        elif now == "MUST":
            yield _finding(
                DEPLOYMENTS,
                rule_id,
                f"{label} of a MUST changed its normative content",
                affects=("deployments", "clients"),
                note="review which side the new meaning binds",
                reworded=words,
            )
        else:
            rule = f"{label} of a {now} changed its normative content"
            yield _finding(Severity.NON_BREAKING, rule_id, rule, reworded=words)


def _applied(
    old: Spec, new: Spec, before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> Iterator[DiffFinding]:
    """Rule IDs an operation newly names or no longer names (rules kept in the catalogue)."""
    old_ops, new_ops = operations(old), operations(new)
    for key in old_ops.keys() & new_ops.keys():
        o_ids = set(pointer_get(old, old_ops[key]).get("x-requirements", []))
        n_ids = set(pointer_get(new, new_ops[key]).get("x-requirements", []))
        label = f"{key[1].upper()} {key[0]}"
        for rule_id in sorted(n_ids - o_ids):
            if rule_id in before and after.get(rule_id, {}).get("level") == "MUST":
                rule = f"{label} now has to meet the MUST rule {rule_id}"
                yield _finding(DEPLOYMENTS, rule_id, rule, affects=("deployments",))
            elif rule_id in before:
                yield _finding(Severity.NON_BREAKING, rule_id, f"{label} now names {rule_id}")
        for rule_id in sorted(o_ids - n_ids):
            if rule_id in after and before.get(rule_id, {}).get("level") == "MUST":
                rule = f"{label} no longer promises the MUST rule {rule_id}"
                yield _finding(CLIENTS, rule_id, rule, affects=("clients",))
            elif rule_id in after:
                yield _finding(Severity.NON_BREAKING, rule_id, f"{label} no longer names {rule_id}")

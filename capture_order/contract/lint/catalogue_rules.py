"""The requirement catalogue's own rules: well-formed unique IDs, level, title, text, citations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from capture_order.contract.catalogue import LEVELS
from capture_order.contract.clauses import coverage
from capture_order.contract.lint.examples import METHODS
from capture_order.contract.lint.findings import Finding, Severity
from capture_order.contract.spec import Spec, pointer

REQUIREMENT_ID = re.compile(r"^CO-[A-Z]+-\d{2}$")
CASE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIREMENT_MENTION = re.compile(r"\bCO-[A-Z]+-\d+\b")
# Whether a clause of a rule's text that no case covers is an error (True) or a note (False:
# listed by `capture-order lint`, failing nothing).
CLAUSE_COVERAGE_ENFORCED = False


def _strings(node: Any, at: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield pointer(*at), node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*at, index))


def check_cases(rid: Any, cases: Any, at: str) -> list[Finding]:
    """A rule's cases: at least one, each with a unique short id and a line of text."""
    if not isinstance(cases, list) or not cases:
        return [Finding("error", f"{at}/cases", f"{rid}: no cases")]
    findings: list[Finding] = []
    seen: set[str] = set()
    for index, case in enumerate(cases):
        where = f"{at}/cases/{index}"
        if not isinstance(case, dict):
            findings.append(Finding("error", where, f"{rid}: case is not an object"))
            continue
        cid = case.get("id")
        if not isinstance(cid, str) or not CASE_ID.match(cid):
            findings.append(Finding("error", where, f"{rid}: case id {cid!r} is not kebab-case"))
        elif cid in seen:
            findings.append(Finding("error", where, f"{rid}/{cid} is not unique"))
        else:
            seen.add(cid)
        if not isinstance(case.get("text"), str) or not case["text"].strip():
            findings.append(Finding("error", where, f"{rid}/{cid}: empty text"))
        if case.get("observable", True) is False and not str(case.get("reason", "")).strip():
            findings.append(
                Finding("error", where, f"{rid}/{cid}: not observable, but no reason given")
            )
        covers = case.get("covers", [])
        if not isinstance(covers, list) or not all(isinstance(p, str) for p in covers):
            findings.append(Finding("error", where, f"{rid}/{cid}: covers is not a list of text"))
        unknown = set(case) - {"id", "covers", "text", "observable", "reason"}
        if unknown:
            findings.append(Finding("error", where, f"{rid}/{cid}: unknown keys {sorted(unknown)}"))
    return findings


def check_clauses(rid: Any, text: Any, cases: Any, at: str) -> list[Finding]:
    """Every clause of a rule's text covered by a case's `covers` quote, every quote a phrase
    the text holds once."""
    if not isinstance(text, str) or not isinstance(cases, list):
        return []
    quotes = [
        (str(case.get("id")), phrase)
        for case in cases
        if isinstance(case, dict) and isinstance(case.get("covers"), list)
        for phrase in case["covers"]
        if isinstance(phrase, str)
    ]
    found = coverage(text, quotes)
    findings = [
        Finding("error", f"{at}/cases", f"{rid}/{bad.case}: covers {bad.phrase!r} {bad.problem}")
        for bad in found.bad_quotes
    ]
    severity: Severity = "error" if CLAUSE_COVERAGE_ENFORCED else "note"
    findings += [
        Finding(severity, f"{at}/text", f"{rid}: no case covers the {c.kind} {c.phrase!r}")
        for c in found.uncovered
    ]
    return findings


def check_requirements(spec: Spec) -> list[Finding]:
    """The catalogue: well-formed unique IDs, level/title/text, every cited ID known."""
    catalogue = spec.get("x-requirements")
    if not isinstance(catalogue, list) or not catalogue:
        return [Finding("error", "/x-requirements", "no requirement catalogue")]
    findings: list[Finding] = []
    known: set[str] = set()
    for index, entry in enumerate(catalogue):
        at = pointer("x-requirements", index)
        if not isinstance(entry, dict):
            findings.append(Finding("error", at, "requirement entry is not an object"))
            continue
        rid = entry.get("id")
        if not isinstance(rid, str) or not REQUIREMENT_ID.match(rid):
            findings.append(Finding("error", at, f"ID {rid!r} does not match CO-AREA-NN"))
        elif rid in known:
            findings.append(Finding("error", at, f"ID {rid} is not unique"))
        else:
            known.add(rid)
        if entry.get("level") not in LEVELS:
            findings.append(Finding("error", at, f"{rid}: level must be one of {LEVELS}"))
        for field in ("title", "text"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                findings.append(Finding("error", at, f"{rid}: empty {field}"))
        findings += check_cases(rid, entry.get("cases"), at)
        findings += check_clauses(rid, entry.get("text"), entry.get("cases"), at)
    body = {key: value for key, value in spec.items() if key != "x-requirements"}
    for at, text in _strings(body):
        findings += [
            Finding("error", at, f"{rid} is not in the requirement catalogue")
            for rid in REQUIREMENT_MENTION.findall(text)
            if rid not in known
        ]
    attached = {
        rid
        for item in spec.get("paths", {}).values()
        for m in METHODS
        if m in item
        for rid in item[m].get("x-requirements", [])
    }
    findings += [
        Finding("error", "/x-requirements", f"{rid} is listed by no operation's x-requirements")
        for rid in sorted(known - attached)
    ]
    return findings

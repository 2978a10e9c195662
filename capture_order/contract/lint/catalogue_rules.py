"""The requirement catalogue's own rules: well-formed unique IDs, level, title, text, citations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from capture_order.contract.catalogue import LEVELS, TECHNIQUES
from capture_order.contract.clauses import coverage
from capture_order.contract.lint.examples import METHODS
from capture_order.contract.lint.findings import LintFinding, Severity
from capture_order.contract.spec import Spec, pointer

REQUIREMENT_ID = re.compile(r"^CO-[A-Z]+-\d{2}$")
CASE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIREMENT_MENTION = re.compile(r"\bCO-[A-Z]+-\d+\b")
# Whether a clause of a rule's text that no case covers is an error (True) or a note (False:
# listed by `capture-order lint`, failing nothing).
CLAUSE_COVERAGE_ENFORCED = True


def _strings(node: Any, at: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield pointer(*at), node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*at, index))


def check_cases(rid: Any, cases: Any, at: str) -> list[LintFinding]:
    """A rule's cases: at least one, each with a unique short id and a line of text."""
    if not isinstance(cases, list) or not cases:
        return [LintFinding("error", f"{at}/cases", f"{rid}: no cases")]
    findings: list[LintFinding] = []
    seen: set[str] = set()
    for index, case in enumerate(cases):
        where = f"{at}/cases/{index}"
        if not isinstance(case, dict):
            findings.append(LintFinding("error", where, f"{rid}: case is not an object"))
            continue
        cid = case.get("id")
        if not isinstance(cid, str) or not CASE_ID.match(cid):
            findings.append(
                LintFinding("error", where, f"{rid}: case id {cid!r} is not kebab-case")
            )
        elif cid in seen:
            findings.append(LintFinding("error", where, f"{rid}/{cid} is not unique"))
        else:
            seen.add(cid)
        if not isinstance(case.get("text"), str) or not case["text"].strip():
            findings.append(LintFinding("error", where, f"{rid}/{cid}: empty text"))
        if case.get("observable", True) is False and not str(case.get("reason", "")).strip():
            findings.append(
                LintFinding("error", where, f"{rid}/{cid}: not observable, but no reason given")
            )
        covers = case.get("covers", [])
        if not isinstance(covers, list) or not all(isinstance(p, str) for p in covers):
            findings.append(
                LintFinding("error", where, f"{rid}/{cid}: covers is not a list of text")
            )
        unknown = set(case) - {"id", "covers", "text", "observable", "reason", "class"}
        if unknown:
            findings.append(
                LintFinding("error", where, f"{rid}/{cid}: unknown keys {sorted(unknown)}")
            )
    return findings


def check_clauses(rid: Any, text: Any, cases: Any, at: str) -> list[LintFinding]:
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
        LintFinding(
            "error", f"{at}/cases", f"{rid}/{bad.case}: covers {bad.phrase!r} {bad.problem}"
        )
        for bad in found.bad_quotes
    ]
    severity: Severity = "error" if CLAUSE_COVERAGE_ENFORCED else "note"
    findings += [
        LintFinding(severity, f"{at}/text", f"{rid}: no case covers the {c.kind} {c.phrase!r}")
        for c in found.uncovered
    ]
    return findings


def check_requirements(spec: Spec) -> list[LintFinding]:
    """The catalogue: well-formed unique IDs, level/title/text, every cited ID known."""
    catalogue = spec.get("x-requirements")
    if not isinstance(catalogue, list) or not catalogue:
        return [LintFinding("error", "/x-requirements", "no requirement catalogue")]
    findings: list[LintFinding] = []
    known: set[str] = set()
    for index, entry in enumerate(catalogue):
        at = pointer("x-requirements", index)
        if not isinstance(entry, dict):
            findings.append(LintFinding("error", at, "requirement entry is not an object"))
            continue
        rid = entry.get("id")
        if not isinstance(rid, str) or not REQUIREMENT_ID.match(rid):
            findings.append(LintFinding("error", at, f"ID {rid!r} does not match CO-AREA-NN"))
        elif rid in known:
            findings.append(LintFinding("error", at, f"ID {rid} is not unique"))
        else:
            known.add(rid)
        if entry.get("level") not in LEVELS:
            findings.append(LintFinding("error", at, f"{rid}: level must be one of {LEVELS}"))
        for field in ("title", "text"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                findings.append(LintFinding("error", at, f"{rid}: empty {field}"))
        findings += check_cases(rid, entry.get("cases"), at)
        findings += check_clauses(rid, entry.get("text"), entry.get("cases"), at)
    findings += check_input_classes(spec)
    body = {key: value for key, value in spec.items() if key != "x-requirements"}
    for at, text in _strings(body):
        findings += [
            LintFinding("error", at, f"{rid} is not in the requirement catalogue")
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
        LintFinding("error", "/x-requirements", f"{rid} is listed by no operation's x-requirements")
        for rid in sorted(known - attached)
    ]
    return findings


def check_input_classes(spec: Spec) -> list[LintFinding]:
    """`x-input-classes`: well-formed unique entries; every class named by a case, and every
    case's `class` a known one."""
    entries = spec.get("x-input-classes") or []
    if not isinstance(entries, list):
        return [LintFinding("error", "/x-input-classes", "x-input-classes is not a list")]
    findings: list[LintFinding] = []
    known: dict[str, str] = {}
    for index, entry in enumerate(entries):
        at = pointer("x-input-classes", index)
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(name, str) or not CASE_ID.match(name):
            findings.append(
                LintFinding("error", at, f"input class name {name!r} is not kebab-case")
            )
            continue
        if name in known:
            findings.append(LintFinding("error", at, f"input class {name} is not unique"))
        known.setdefault(name, at)
        if entry.get("technique") not in TECHNIQUES:
            findings.append(
                LintFinding(
                    "error", at, f"input class {name}: technique must be one of {TECHNIQUES}"
                )
            )
        for field in ("source", "text"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                findings.append(LintFinding("error", at, f"input class {name}: empty {field}"))
        unknown = set(entry) - {"name", "technique", "source", "text"}
        if unknown:
            findings.append(
                LintFinding("error", at, f"input class {name}: unknown keys {sorted(unknown)}")
            )
    named: set[str] = set()
    for index, requirement in enumerate(spec.get("x-requirements") or []):
        if not isinstance(requirement, dict):
            continue
        for number, case in enumerate(requirement.get("cases") or []):
            if not isinstance(case, dict) or "class" not in case:
                continue
            name = case["class"]
            named.add(str(name))
            if name not in known:
                where = pointer("x-requirements", index, "cases", number)
                ref = f"{requirement.get('id')}/{case.get('id')}"
                findings.append(LintFinding("error", where, f"{ref}: unknown input class {name!r}"))
    findings += [
        LintFinding("error", at, f"input class {name} is named by no case")
        for name, at in known.items()
        if name not in named
    ]
    return findings

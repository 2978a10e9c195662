"""The diff of two contract documents: every comparison run, findings grouped and ordered."""

from __future__ import annotations

from capture_order.contract.diff.annotations import annotation_findings
from capture_order.contract.diff.changes import Judges
from capture_order.contract.diff.documents import Pair
from capture_order.contract.diff.endpoints import endpoint_findings
from capture_order.contract.diff.generation import DEFAULT_SEED, DEFAULT_TRIES
from capture_order.contract.diff.model import ORDER, DiffFinding, Report, Source
from capture_order.contract.diff.requirements import requirement_findings
from capture_order.contract.diff.versions import version_finding
from capture_order.contract.diff.witnesses import Budget
from capture_order.contract.spec import Spec
from capture_order.contract.validation import SchemaJudge


def diff(
    old: Spec,
    new: Spec,
    old_source: Source | None = None,
    new_source: Source | None = None,
    tries: int = DEFAULT_TRIES,
    seed: int = DEFAULT_SEED,
) -> Report:
    """Compare two versions of the contract, old first."""
    pair = Pair(old, new, Judges(SchemaJudge(old), SchemaJudge(new)), Budget(tries, seed))
    findings = [
        *requirement_findings(old, new),
        *endpoint_findings(pair),
        *annotation_findings(old, new),
    ]
    old_source = old_source or Source("old", _version(old))
    new_source = new_source or Source("new", _version(new))
    grouped = _grouped(findings)
    unbumped = version_finding(grouped, old_source.version, new_source.version)
    report = Report(old_source, new_source, ([unbumped] if unbumped else []) + grouped)
    report.findings.sort(key=lambda f: ORDER.index(f.severity))
    return report


def _version(doc: Spec) -> str | None:
    version = (doc.get("info") or {}).get("version")
    return None if version is None else str(version)


def _grouped(findings: list[DiffFinding]) -> list[DiffFinding]:
    """One finding per rule and field: a shared schema changed under nine statuses is one entry."""
    groups: dict[tuple[object, ...], list[DiffFinding]] = {}
    for found in findings:
        place, _, field = found.where.rpartition(": ")
        key = (found.severity, found.area, found.rule, field if place else found.where)
        groups.setdefault(key, []).append(found)
    merged = []
    for members in groups.values():
        first = members[0]
        if len(members) == 1:
            merged.append(first)
            continue
        places = [m.where.rpartition(": ")[0] for m in members]
        field = first.where.rpartition(": ")[2]
        where = f"{'; '.join(dict.fromkeys(places))}: {field}"
        merged.append(DiffFinding(**{**first.__dict__, "where": where}))
    return merged

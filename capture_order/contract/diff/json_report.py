"""The report for tools: stable JSON whose fields are defined in `report.schema.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from capture_order.contract.diff.model import ORDER, DiffFinding, Report, Source

FORMAT = "capture-order-diff/1"
SCHEMA_FILE = Path(__file__).with_name("report.schema.json")


def as_json(report: Report) -> dict[str, Any]:
    """The report as the JSON value `report.schema.json` describes."""
    verdict = report.verdict
    return {
        "format": FORMAT,
        "old": _source(report.old),
        "new": _source(report.new),
        "verdict": None if verdict is None else verdict.value,
        "breaking": report.breaking,
        "missing_version_bump": report.missing_version_bump,
        "summary": {s.value: len(report.of(s)) for s in ORDER},
        "changes": [_finding(f) for f in report.findings],
    }


def dumps(report: Report) -> str:
    """The JSON text, indented, keys in a stable order."""
    return json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n"


def _source(source: Source) -> dict[str, Any]:
    return {"source": source.label, "version": source.version}


def _finding(item: DiffFinding) -> dict[str, Any]:
    witness = item.witness
    return {
        "class": item.severity.value,
        "area": item.area,
        "where": item.where,
        "rule": item.rule,
        "affects": list(item.affects),
        "requirement": item.requirement,
        "catalogue": item.catalogue,
        "evidence": item.evidence,
        "note": item.note,
        "reworded": None
        if item.reworded is None
        else {"field": item.reworded.field, "old": item.reworded.old, "new": item.reworded.new},
        "witness": None
        if witness is None
        else {
            "kind": witness.kind,
            "value": witness.value,
            "header": witness.header,
            "accepted_by": witness.accepted_by,
            "rejected_by": witness.rejected_by,
            "reason": witness.reason,
            "found_by": witness.found_by,
            "schemas": {side: list(pointers) for side, pointers in witness.schemas.items()},
            "isolated": None if witness.isolated is None else list(witness.isolated),
        },
    }

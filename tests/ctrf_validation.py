"""Every CTRF report the tests produce is checked against the vendored CTRF schema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

from capture_order.conformance.report.ctrf import schema


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(schema(), format_checker=FormatChecker())


def valid_ctrf(path: Path) -> dict[str, Any]:
    """The CTRF document at path, asserted valid (every schema error listed)."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(document)]
    assert not errors, f"{path} is not valid CTRF:\n" + "\n".join(errors[:20])
    # Every skip says why (never the bare fallback).
    unexplained = [
        t["name"]
        for t in document["results"]["tests"]
        if t["status"] == "skipped" and t.get("message", "skipped") == "skipped"
    ]
    assert not unexplained, f"{path}: skipped without a reason: {unexplained[:10]}"
    return document

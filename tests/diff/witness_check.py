"""An independent check of a reported witness: fresh Judges over both documents."""

from __future__ import annotations

from typing import Any

from capture_order.contract.diff.model import Witness
from capture_order.contract.validation import SPEC_URI, SchemaJudge


def accepted(spec: dict[str, Any], witness: Witness, side: str) -> bool:
    """Whether version `side` (the document `spec`) accepts the witness value."""
    pointers = witness.schemas[side]
    judge = SchemaJudge(spec)
    if witness.header:
        if len(pointers) == 1:
            schema: dict[str, Any] = {"$ref": f"#{pointers[0]}"}
        else:
            schema = {"allOf": [{"$ref": f"{SPEC_URI}#{at}"} for at in pointers]}
        return not judge.header_errors({"schema": schema}, str(witness.value))
    return all(judge.is_valid(at, witness.value) for at in pointers)

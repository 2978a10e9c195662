"""A compiled accept-check in front of the one validator: valid documents pass in microseconds.

`SchemaJudge` (contract.validation) stays the judge: a document this check accepts is one the judge
accepts too, and anything it refuses is handed to the judge for the verdict and its messages.
It is the same schema translated to JSON Schema draft 4 for jsonschema-rs: OpenAPI's
`nullable` becomes a `null` type, `int32`/`int64` become bounds (jsonschema-rs applies formats
to strings only), and string formats call the judge's own format checker, so no format is
judged twice in two ways. `tests/spec/test_fast_schema.py` holds both to the same answers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jsonschema_rs

from capture_order.contract.spec import Spec, pointer_get

# What jsonschema-rs cannot express as OpenAPI 3.0 means it: bounds for the integer formats.
INTEGER_BOUNDS = {"int32": 31, "int64": 63}
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
# The judge's format checker: conforms(instance, format_name).
FormatCheck = Callable[[Any, str], bool]


def _translated(node: Any) -> Any:
    """An OpenAPI 3.0 schema object as JSON Schema draft 4 (recursively)."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {name: _translated(v) for name, v in value.items()}
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_translated(v) for v in value]
        elif key in ("items", "not", "additionalProperties") and isinstance(value, dict):
            out[key] = _translated(value)
        elif key == "nullable" or key.startswith("x-") or key == "example":
            continue
        else:
            out[key] = value
    if node.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    bits = INTEGER_BOUNDS.get(str(node.get("format")))
    if bits is not None:
        # The judge's int32/int64 checks: ~(1 << bits) < n < 1 << bits, for integers only.
        out.pop("format")
        out["allOf"] = [
            *out.get("allOf", []),
            {"minimum": ~(1 << bits) + 1, "maximum": (1 << bits) - 1},
        ]
    return out


def _components(spec: Spec) -> dict[str, Any]:
    schemas = spec.get("components", {}).get("schemas", {})
    return {"schemas": {name: _translated(schema) for name, schema in schemas.items()}}


class FastAccept:
    """`accepts(at, instance)`: True only for instances the judge finds valid."""

    def __init__(self, spec: Spec, conforms: FormatCheck, names: tuple[str, ...]) -> None:
        self.spec = spec
        self._components = _components(spec)
        self._formats = {name: _checker(conforms, name) for name in names}
        self._validators: dict[str, Any] = {}

    def _validator(self, at: str) -> Any:
        found = self._validators.get(at)
        if found is None:
            root = _translated(pointer_get(self.spec, at))
            root = dict(root) if isinstance(root, dict) else {}
            root["components"] = self._components
            found = jsonschema_rs.Draft4Validator(
                root, formats=self._formats, validate_formats=True, ignore_unknown_formats=True
            )
            self._validators[at] = found
        return found

    def accepts(self, at: str, instance: Any) -> bool:
        """Whether the instance certainly conforms (False: ask the judge)."""
        try:
            return bool(self._validator(at).is_valid(instance))
        except (ValueError, TypeError, OverflowError):
            return False  # an instance jsonschema-rs cannot take: the judge decides


def _checker(conforms: FormatCheck, name: str) -> Callable[[str], bool]:
    # Values repeat across documents (timestamps, problem types): each judged once, in a
    # bounded memo (the judge's checker is a pure function of the value).
    @functools.lru_cache(maxsize=4096)
    def check(value: str) -> bool:
        return conforms(value, name)

    return check

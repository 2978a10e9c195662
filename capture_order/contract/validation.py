"""The project's one OpenAPI 3.0 validator: the lint, the suite and the diff judge values with it.

`openapi_schema_validator.OAS30Validator` knows `nullable`, OpenAPI's formats (int32, int64, ...)
and resolves `$ref`s through a `referencing` registry holding the whole document. jsonschema
checks `date-time` and `uri`/`uri-reference` only when rfc3339-validator and rfc3986-validator are
installed; both are dependencies, and importing this module fails loudly if they are missing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from capture_order.contract.fast_schema import FastAccept
from capture_order.contract.spec import Spec, load_spec, pointer, resolve

SPEC_URI = "urn:capture-order:openapi"
FORMATS = oas30_format_checker
# The formats the contract uses; each must be checked, not silently accepted.
REQUIRED_FORMATS = ("date-time", "uri", "uri-reference", "ipv4", "int64")
_missing = [name for name in REQUIRED_FORMATS if name not in FORMATS.checkers]
if _missing:  # pragma: no cover - an installation problem, reported at import
    raise ImportError(
        f"format checks {_missing} unavailable: install rfc3339-validator and rfc3986-validator"
    )

INTEGER = re.compile(r"-?[0-9]+")


def field_path(parts: Any) -> str:
    """A JSON path as the reports write it: `order_items[0].pk` (the root is `<body>`)."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
    return text.lstrip(".") or "<body>"


class SchemaJudge:
    """Validates instances against the schemas of one spec document."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, DRAFT4.create_resource(spec)
        )
        self._validators: dict[str, OAS30Validator] = {}
        string_formats = tuple(n for n in FORMATS.checkers if n not in ("int32", "int64"))
        self._fast = FastAccept(spec, FORMATS.conforms, string_formats)

    def validator(self, at: str) -> OAS30Validator:
        """The validator of the schema at JSON pointer `at` (e.g. `/components/schemas/Order`)."""
        found = self._validators.get(at)
        if found is None:
            found = OAS30Validator(
                {"$ref": f"{SPEC_URI}#{at}"}, registry=self.registry, format_checker=FORMATS
            )
            self._validators[at] = found
        return found

    def iter_errors(self, at: str, instance: Any) -> Iterator[ValidationError]:
        """Every violation of the schema at `at`, in document order of the instance."""
        return iter(sorted(self.validator(at).iter_errors(instance), key=_instance_order))

    def is_valid(self, at: str, instance: Any) -> bool:
        """Whether the instance conforms to the schema at `at`."""
        return self._fast.accepts(at, instance) or bool(self.validator(at).is_valid(instance))

    def errors(self, at: str, instance: Any, limit: int = 5) -> list[str]:
        """Readable violations: `path: message`, at most `limit`."""
        if self._fast.accepts(at, instance):
            return []
        messages = []
        for error in self.iter_errors(at, instance):
            messages.append(f"{field_path(error.absolute_path)}: {error.message}")
            if len(messages) == limit:
                break
        return messages

    def schema_errors(self, name: str, instance: Any, limit: int = 5) -> list[str]:
        """Violations of `#/components/schemas/<name>`."""
        return self.errors(pointer("components", "schemas", name), instance, limit)

    def header_errors(self, header: dict[str, Any], value: str) -> list[str]:
        """How a header value breaks the documented header's schema (none: it conforms)."""
        schema = resolve(self.spec, resolve(self.spec, header).get("schema", {}))
        text = value.strip()
        instance: str | int = text
        if schema.get("type") == "integer":
            # A header carries text: an integer header is a decimal literal and nothing else.
            if not INTEGER.fullmatch(text):
                return [f"{value!r} is not an integer"]
            instance = int(text)
        validator = OAS30Validator(schema, registry=self.registry, format_checker=FORMATS)
        return [f"{value!r}: {error.message}" for error in validator.iter_errors(instance)]


def _instance_order(error: ValidationError) -> list[str]:
    return [str(part) for part in error.absolute_path]


@functools.cache
def contract_judge() -> SchemaJudge:
    """The judge of the contract itself."""
    return SchemaJudge(load_spec())

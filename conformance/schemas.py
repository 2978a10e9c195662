"""JSON Schema validation of response bodies against the spec's OpenAPI 3.0 schemas."""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from conformance.contract import load_spec

# RFC 3339 date-time (the `date-time` format of OpenAPI): offset or Z is required.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: `nullable` becomes a null alternative; x-*, example dropped."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: _to_json_schema(value)
        for key, value in node.items()
        if not key.startswith("x-")
        and key not in ("example", "examples", "nullable", "discriminator")
    }
    if node.get("nullable") is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def format_checker() -> jsonschema.FormatChecker:
    """Format checks for the formats the spec uses (date-time, uri, uri-reference, ipv4)."""
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not DATE_TIME.match(value):
            return False
        from datetime import datetime

        try:
            datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        except ValueError:
            return False
        return True

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value

    @checker.checks("uri-reference")
    def _uri_reference(value: object) -> bool:
        return not isinstance(value, str) or (" " not in value and "\\" not in value)

    @checker.checks("ipv4")
    def _ipv4(value: object) -> bool:
        if not isinstance(value, str):
            return True
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            return False
        return True

    return checker


@cache
def _registry() -> Registry[Any]:
    document = {"components": _to_json_schema(load_spec()["components"])}
    registry: Registry[Any] = Registry().with_resource(
        "urn:spec", Resource.from_contents(document, DRAFT7)
    )
    return registry


@cache
def validator(schema_name: str) -> jsonschema.Draft7Validator:
    """A validator for `#/components/schemas/<schema_name>` with format checking."""
    return jsonschema.Draft7Validator(
        {"$ref": f"urn:spec#/components/schemas/{schema_name}"},
        registry=_registry(),
        format_checker=format_checker(),
    )


def errors(schema_name: str, instance: Any, limit: int = 5) -> list[str]:
    """Readable schema violations of the instance ('' path means the whole body)."""
    found = sorted(
        validator(schema_name).iter_errors(instance), key=lambda e: list(e.absolute_path)
    )
    messages = []
    for error in found[:limit]:
        # A nullable field fails as "not valid under any of the given schemas"; say why instead.
        if error.context:
            error = jsonschema.exceptions.best_match(error.context) or error
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        messages.append(f"{path.lstrip('.') or '<body>'}: {error.message}")
    return messages


# Problem schema per documented error status (components/responses -> schema name).
PROBLEM_SCHEMAS = {
    400: "BadRequestProblem",
    401: "UnauthorizedProblem",
    404: "NotFoundProblem",
    405: "MethodNotAllowedProblem",
    409: "ConflictProblem",
    413: "PayloadTooLargeProblem",
    415: "UnsupportedMediaTypeProblem",
    422: "UnprocessableContentProblem",
    500: "InternalServerErrorProblem",
}


def documented_responses() -> dict[int, dict[str, Any]]:
    """Status -> resolved response object of the capture operation."""
    spec = load_spec()
    operation = spec["paths"]["/capture-order/"]["post"]
    resolved = {}
    for status, response in operation["responses"].items():
        if "$ref" in response:
            response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        resolved[int(status)] = response
    return resolved


def money_digits(currency: str | None) -> int:
    """Fractional digits allowed for an amount in this currency (CO-MON-03)."""
    return 3 if currency in ("kwd", "bhd", "omr", "jod", "iqd") else 2


def capturable_statuses() -> tuple[str, ...]:
    """The order statuses a capture is allowed for (`x-capturable` on OrderStatus)."""
    return tuple(load_spec()["components"]["schemas"]["OrderStatus"]["x-capturable"])


def _resolved_header(header: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in header:
        resolved: dict[str, Any] = load_spec()["components"]["headers"][
            header["$ref"].rsplit("/", 1)[-1]
        ]
        return resolved
    return header


def header_required(header: dict[str, Any]) -> bool:
    """Whether a documented response header (possibly a $ref) is required."""
    return bool(_resolved_header(header).get("required"))


INTEGER = re.compile(r"-?[0-9]+")


def header_errors(header: dict[str, Any], value: str) -> list[str]:
    """How a received header value breaks the documented header's schema (none: conforms)."""
    schema = _to_json_schema(_resolved_header(header).get("schema", {}))
    text = value.strip()
    instance: str | int = text
    if schema.get("type") == "integer":
        # A header carries text: an integer header is a decimal literal and nothing else.
        if not INTEGER.fullmatch(text):
            return [f"{value!r} is not an integer"]
        instance = int(text)
    checker = jsonschema.Draft7Validator(schema, format_checker=format_checker())
    return [f"{value!r}: {error.message}" for error in checker.iter_errors(instance)]

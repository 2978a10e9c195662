"""The contract checks done in Python: examples against schemas, the requirement catalogue."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import OpenAPIV30SpecValidator
from referencing import Registry
from referencing.jsonschema import DRAFT4

SPEC_URI = "urn:capture-order:openapi"
REQUIREMENT_ID = re.compile(r"^CO-[A-Z]+-\d{2}$")
REQUIREMENT_MENTION = re.compile(r"\bCO-[A-Z]+-\d+\b")
LEVELS = ("MUST", "SHOULD", "MAY")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_CHILDREN = ("items", "additionalProperties", "not")
SCHEMA_LISTS = ("allOf", "oneOf", "anyOf")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem a lint tool reported, located by JSON pointer or file:line."""

    severity: Severity
    where: str
    message: str


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from unescaped parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _lookup(spec: dict[str, Any], ref: str) -> Any:
    """The node a local `$ref` or JSON pointer names."""
    node: Any = spec
    for part in ref.removeprefix("#").split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    scheme = urlsplit(value).scheme
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme)) and not re.search(r"\s", value)


def _is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or not re.search(r"\s", value)


# OpenAPI 3.0's format checker plus `uri` and `uri-reference`, which jsonschema checks only
# when an optional RFC 3986 package is installed.
FORMATS = copy.copy(oas30_format_checker)
FORMATS.checkers = dict(oas30_format_checker.checkers)
FORMATS.checks("uri")(_is_uri)
FORMATS.checks("uri-reference")(_is_uri_reference)


def validate_document(spec: dict[str, Any]) -> list[Finding]:
    """openapi-spec-validator over the whole document (OpenAPI 3.0 rules)."""
    errors = OpenAPIV30SpecValidator(spec).iter_errors()
    return [Finding("error", pointer(*e.absolute_path) or "/", e.message) for e in errors]


def _schema_examples(spec: dict[str, Any], at: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    schema = _lookup(spec, pointer(*at))
    if not isinstance(schema, dict) or "$ref" in schema:
        return  # a referenced schema's examples are checked where it is defined
    for key in ("example", "default"):
        if key in schema:
            yield pointer(*at), pointer(*at, key)
    for name in schema.get("properties", {}):
        yield from _schema_examples(spec, (*at, "properties", name))
    for key in SCHEMA_CHILDREN:
        if isinstance(schema.get(key), dict):
            yield from _schema_examples(spec, (*at, key))
    for key in SCHEMA_LISTS:
        for index in range(len(schema.get(key, []))):
            yield from _schema_examples(spec, (*at, key, index))


def _carrier_examples(spec: dict[str, Any], at: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    """Examples of a parameter, header or media type: (schema pointer, example pointer)."""
    carrier = _lookup(spec, pointer(*at))
    if not isinstance(carrier, dict) or "$ref" in carrier or "schema" not in carrier:
        return
    yield from _schema_examples(spec, (*at, "schema"))
    if "example" in carrier:
        yield pointer(*at, "schema"), pointer(*at, "example")
    for name, example in carrier.get("examples", {}).items():
        target = example["$ref"] if "$ref" in example else pointer(*at, "examples", name)
        yield pointer(*at, "schema"), f"{target.removeprefix('#')}/value"


def _carriers(spec: dict[str, Any]) -> Iterator[tuple[str | int, ...]]:
    """Every parameter, header and media type of the document, as pointer parts."""
    components = spec.get("components", {})
    responses: list[tuple[str | int, ...]] = [
        ("components", "responses", n) for n in components.get("responses", {})
    ]
    bodies: list[tuple[str | int, ...]] = [
        ("components", "requestBodies", n) for n in components.get("requestBodies", {})
    ]
    yield from (("components", "parameters", n) for n in components.get("parameters", {}))
    yield from (("components", "headers", n) for n in components.get("headers", {}))
    for route, item in spec.get("paths", {}).items():
        yield from (
            ("paths", route, "parameters", i) for i in range(len(item.get("parameters", [])))
        )
        for method in (m for m in METHODS if m in item):
            operation = item[method]
            at = ("paths", route, method)
            yield from ((*at, "parameters", i) for i in range(len(operation.get("parameters", []))))
            if "requestBody" in operation:
                bodies.append((*at, "requestBody"))
            responses.extend((*at, "responses", status) for status in operation["responses"])
    for owner_at in [*bodies, *responses]:
        owner = _lookup(spec, pointer(*owner_at))
        yield from ((*owner_at, "headers", n) for n in owner.get("headers", {}))
        yield from ((*owner_at, "content", m) for m in owner.get("content", {}))


def example_pairs(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (schema pointer, example pointer) pair in the document, each once."""
    pairs = [
        p
        for n in spec.get("components", {}).get("schemas", {})
        for p in _schema_examples(spec, ("components", "schemas", n))
    ]
    pairs += [pair for at in _carriers(spec) for pair in _carrier_examples(spec, at)]
    return list(dict.fromkeys(pairs))


def check_examples(spec: dict[str, Any]) -> list[Finding]:
    """Each example and default validates against its schema, OpenAPI 3.0 semantics."""
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT4.create_resource(spec))
    findings = []
    for schema_at, example_at in example_pairs(spec):
        validator = OAS30Validator(
            {"$ref": f"{SPEC_URI}#{schema_at}"}, registry=registry, format_checker=FORMATS
        )
        for error in validator.iter_errors(_lookup(spec, example_at)):
            where = pointer(*error.absolute_path)
            message = f"example invalid against {schema_at}: {where or '/'}: {error.message}"
            findings.append(Finding("error", example_at, message))
    return findings


def _strings(node: Any, at: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield pointer(*at), node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*at, index))


def check_requirements(spec: dict[str, Any]) -> list[Finding]:
    """The catalogue: well-formed unique IDs, level/title/text, every cited ID known."""
    catalogue = spec.get("x-requirements")
    if not isinstance(catalogue, list) or not catalogue:
        return [Finding("error", "/x-requirements", "no requirement catalogue")]
    findings, known = [], set()
    for index, entry in enumerate(catalogue):
        at = pointer("x-requirements", index)
        rid = entry.get("id")
        if not isinstance(rid, str) or not REQUIREMENT_ID.match(rid):
            findings.append(Finding("error", at, f"ID {rid!r} does not match CO-AREA-NN"))
        elif rid in known:
            findings.append(Finding("error", at, f"ID {rid} is not unique"))
        known.add(rid)
        if entry.get("level") not in LEVELS:
            findings.append(Finding("error", at, f"{rid}: level must be one of {LEVELS}"))
        for field in ("title", "text"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                findings.append(Finding("error", at, f"{rid}: empty {field}"))
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

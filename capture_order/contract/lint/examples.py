"""Every example and default in the document validates against its schema (OpenAPI 3.0)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from capture_order.contract.lint.findings import LintFinding
from capture_order.contract.spec import Spec, pointer, pointer_get
from capture_order.contract.validation import SchemaJudge, field_path

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_CHILDREN = ("items", "additionalProperties", "not")
SCHEMA_LISTS = ("allOf", "oneOf", "anyOf")


def _schema_examples(spec: Spec, at: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    schema = pointer_get(spec, pointer(*at))
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


def _carrier_examples(spec: Spec, at: tuple[str | int, ...]) -> Iterator[tuple[str, str]]:
    """Examples of a parameter, header or media type: (schema pointer, example pointer)."""
    carrier = pointer_get(spec, pointer(*at))
    if not isinstance(carrier, dict) or "$ref" in carrier or "schema" not in carrier:
        return
    yield from _schema_examples(spec, (*at, "schema"))
    if "example" in carrier:
        yield pointer(*at, "schema"), pointer(*at, "example")
    for name, example in carrier.get("examples", {}).items():
        target = example["$ref"] if "$ref" in example else pointer(*at, "examples", name)
        yield pointer(*at, "schema"), f"{target.removeprefix('#')}/value"


def _carriers(spec: Spec) -> Iterator[tuple[str | int, ...]]:
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
        owner = pointer_get(spec, pointer(*owner_at))
        yield from ((*owner_at, "headers", n) for n in owner.get("headers", {}))
        yield from ((*owner_at, "content", m) for m in owner.get("content", {}))


def example_pairs(spec: Spec) -> list[tuple[str, str]]:
    """Every (schema pointer, example pointer) pair in the document, each once."""
    pairs = [
        p
        for n in spec.get("components", {}).get("schemas", {})
        for p in _schema_examples(spec, ("components", "schemas", n))
    ]
    pairs += [pair for at in _carriers(spec) for pair in _carrier_examples(spec, at)]
    return list(dict.fromkeys(pairs))


def check_examples(spec: Spec) -> list[LintFinding]:
    """Each example and default validates against its schema, with the suite's validator."""
    judge = SchemaJudge(spec)
    findings = []
    for schema_at, example_at in example_pairs(spec):
        example: Any = pointer_get(spec, example_at)
        for error in judge.iter_errors(schema_at, example):
            where = field_path(error.absolute_path)
            message = f"example invalid against {schema_at}: {where}: {error.message}"
            findings.append(LintFinding("error", example_at, message))
    return findings

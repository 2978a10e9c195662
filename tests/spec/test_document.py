"""The contract is a valid OpenAPI 3.0 document whose enums and examples hold together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from capture_order.contract.lint.examples import check_examples, example_pairs
from capture_order.contract.lint.lint_command import validate_document

OPERATION = "/paths/~1capture-order~1/post"


def _enums(node: Any, at: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        if "enum" in node:
            yield at, node["enum"]
        for key, value in node.items():
            yield from _enums(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{at}/{index}")


def test_spec_is_valid_openapi_3_0(pristine_spec: dict[str, Any]) -> None:
    assert pristine_spec["openapi"].startswith("3.0.")
    errors = [error.message for error in OpenAPIV30SpecValidator(pristine_spec).iter_errors()]
    assert errors == []


def test_spec_validator_reports_a_broken_document(spec: dict[str, Any]) -> None:
    del spec["paths"]["/capture-order/"]["post"]["responses"]
    assert validate_document(spec) != []


def test_no_enum_is_empty(pristine_spec: dict[str, Any]) -> None:
    enums = dict(_enums(pristine_spec))
    assert len(enums) >= 20, "the walk found too few enums to be trusted"
    empty = [at for at, values in enums.items() if not isinstance(values, list) or not values]
    assert empty == []


def test_examples_of_every_kind_are_checked(pristine_spec: dict[str, Any]) -> None:
    checked = {example for _schema, example in example_pairs(pristine_spec)}
    media = f"{OPERATION}/requestBody/content/application~1json/examples"
    expected = {
        "/components/schemas/Order/properties/date_placed/example",  # property example
        "/components/schemas/ItemAttributes/example",  # schema example
        "/components/parameters/IdempotencyKey/example",  # parameter example
        "/components/headers/RetryAfter/schema/example",  # header schema example
        f"{media}/fullCapture/value",  # media-type named example
        f"{media}/withAttributes/value",
        "/components/examples/OrderFullyCaptured/value",  # referenced from the 200
        "/components/examples/OrderNotFound/value",  # referenced from a problem response
    }
    assert expected <= checked
    named = {
        f"/components/examples/{name}/value" for name in pristine_spec["components"]["examples"]
    }
    assert named <= checked, "some components/examples are referenced by no response"


def test_every_example_validates_against_its_schema(pristine_spec: dict[str, Any]) -> None:
    assert [f"{f.where}: {f.message}" for f in check_examples(pristine_spec)] == []


def test_null_example_passes_only_where_nullable(spec: dict[str, Any]) -> None:
    order = spec["components"]["schemas"]["Order"]["properties"]
    order["notes"]["example"] = None  # nullable: fine
    order["customer"]["example"] = None  # not nullable
    wheres = {finding.where for finding in check_examples(spec)}
    assert wheres == {"/components/schemas/Order/properties/customer/example"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "999"),
        ("currency", "TRY"),
        ("date_placed", "2024-11-20 yesterday"),
        ("amount", "1000.00"),
        ("e_archive_url", "not a uri"),
    ],
)
def test_invalid_response_example_is_reported(spec: dict[str, Any], field: str, value: str) -> None:
    spec["components"]["examples"]["OrderFullyCaptured"]["value"][field] = value
    findings = check_examples(spec)
    assert [f.where for f in findings] == ["/components/examples/OrderFullyCaptured/value"]
    assert f": {field}: " in findings[0].message

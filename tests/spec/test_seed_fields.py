"""Every field of the seed's 200 response is in `Order` with the seed's type and shape.

The upstream field list is test data in the checkout (`data/upstream_order_fields.json`: the
field lines of the Akinon Omnitron "CaptureOrder" page, extracted once by hand with
`data/extract_upstream_fields.py`; its `source` says from which text), so a field the spec
dropped cannot hide, and a clone needs nothing beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

UPSTREAM_FIELDS = Path(__file__).resolve().parent / "data" / "upstream_order_fields.json"
# Documented difference 6 of info.description: "url" is not an OpenAPI format.
FORMAT_OF_SEED = {"url": "uri"}


@dataclass(frozen=True)
class SeedField:
    """One field as the seed document describes it."""

    name: str
    type: str
    format: str | None
    nullable: bool
    enum: bool
    required: bool


def seed_sections() -> tuple[list[SeedField], list[SeedField]]:
    """(request body fields, 200 response fields) upstream, formats in OpenAPI's words."""
    upstream = json.loads(UPSTREAM_FIELDS.read_text("utf-8"))

    def fields(section: str) -> list[SeedField]:
        return [
            SeedField(**{**row, "format": FORMAT_OF_SEED.get(row["format"], row["format"])})
            for row in upstream[section]
        ]

    return fields("request_body"), fields("response_200")


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with a local `$ref` followed."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


REQUEST_FIELDS, RESPONSE_FIELDS = seed_sections()


def test_upstream_data_holds_the_documented_fields() -> None:
    names = [field.name for field in RESPONSE_FIELDS]
    assert len(names) == len(set(names)) >= 40
    assert names[0] == "pk"
    assert names[-1] == "modified_date"
    assert [field.name for field in REQUEST_FIELDS] == ["order"]


@pytest.mark.parametrize("field", RESPONSE_FIELDS, ids=lambda field: field.name)
def test_seed_field_is_in_order_with_its_type(
    pristine_spec: dict[str, Any], field: SeedField
) -> None:
    order = pristine_spec["components"]["schemas"]["Order"]
    assert field.name in order["properties"], f"{field.name} missing from Order"
    schema = resolve(pristine_spec, order["properties"][field.name])
    assert schema.get("type") == field.type
    assert schema.get("format") == field.format
    assert bool(schema.get("nullable", False)) == field.nullable
    assert (field.name in order["required"]) == field.required
    if field.enum:
        assert schema.get("enum"), f"{field.name} is an enum in the seed but lists no values"
    description = schema.get("description") or ""
    assert description.strip(), f"{field.name} has no description"
    assert "example" in schema, f"{field.name} has no example"


def test_seed_request_field_is_in_capture_order(pristine_spec: dict[str, Any]) -> None:
    schema = pristine_spec["components"]["schemas"]["CaptureOrder"]
    (order,) = REQUEST_FIELDS
    assert schema["properties"][order.name]["type"] == order.type
    # The seed marks `order` optional; the spec requires it, a listed difference.
    assert not order.required
    assert schema["required"] == ["order"]
    assert "`order` is **required**" in pristine_spec["info"]["description"]

"""Every field of the seed's 200 response is in `Order` with the seed's type and shape.

The field list is read from the seed document itself (`../shared/seed/*.txt`, or the
file or folder named by $CAPTURE_ORDER_SEED_DOCUMENT), so a field the spec dropped cannot hide.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_ENV = "CAPTURE_ORDER_SEED_DOCUMENT"
# One field line of the seed: the name glued to `type[ · modifier]*` and Required/Optional,
# e.g. `e_archive_urlstring · url · nullableOptional`.
FIELD_LINE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*?)(?P<type>string|integer|number|boolean|object|array)"
    r"(?P<modifiers>(?: · [a-z0-9-]+)*)(?P<presence>Required|Optional)$"
)
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


def seed_file() -> Path:
    """The seed text: $CAPTURE_ORDER_SEED_DOCUMENT (file or folder), else ../shared/seed/."""
    configured = os.environ.get(SEED_ENV)
    where = Path(configured) if configured else REPO_ROOT.parent / "shared" / "seed"
    candidates = sorted(where.glob("*.txt")) if where.is_dir() else [where]
    found = [
        p for p in candidates if p.is_file() and p.read_text("utf-8").startswith("CaptureOrder")
    ]
    if not found:
        pytest.fail(
            f"seed document not found at {where}: set {SEED_ENV} to the seed .txt file, "
            "or keep a copy of shared/ beside the checkout"
        )
    return found[0]


def parse_fields(lines: list[str]) -> list[SeedField]:
    """The field lines among `lines`; any other line ending in Required/Optional is an error."""
    fields = []
    for line in lines:
        if not line.endswith(("Required", "Optional")):
            continue
        match = FIELD_LINE.match(line)
        assert match, f"unparsed seed field line: {line!r}"
        modifiers = [m for m in match["modifiers"].split(" · ") if m]
        formats = [m for m in modifiers if m not in ("nullable", "enum")]
        assert len(formats) <= 1, line
        fmt = FORMAT_OF_SEED.get(formats[0], formats[0]) if formats else None
        fields.append(
            SeedField(
                name=match["name"],
                type=match["type"],
                format=fmt,
                nullable="nullable" in modifiers,
                enum="enum" in modifiers,
                required=match["presence"] == "Required",
            )
        )
    return fields


def seed_sections() -> tuple[list[SeedField], list[SeedField]]:
    """(request body fields, 200 response fields) of the seed."""
    lines = [line.strip() for line in seed_file().read_text("utf-8").splitlines()]
    body, responses = lines.index("Body"), lines.index("Responses")
    ok = lines.index("200", responses)
    return parse_fields(lines[body:responses]), parse_fields(lines[ok:])


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with a local `$ref` followed."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


REQUEST_FIELDS, RESPONSE_FIELDS = seed_sections()


def test_seed_parse_found_the_documented_fields() -> None:
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

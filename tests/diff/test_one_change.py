"""Several edits at once: each witness proves its own change, made alone to the old document."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema.exceptions import ValidationError

from capture_order.contract.diff.change_isolation import applied
from capture_order.contract.diff.diff_engine import diff
from capture_order.contract.diff.model import DiffFinding, Report, Witness
from capture_order.contract.spec import load_spec
from capture_order.contract.validation import SchemaJudge
from tests.diff.edits import Spec, prop, schema
from tests.diff.witness_check import accepted


def currency_loses_rsd(spec: Spec) -> None:
    schema(spec, "Currency")["enum"].remove("rsd")


def order_items_required(spec: Spec) -> None:
    schema(spec, "CaptureOrder")["required"].append("order_items")


def order_shortened(spec: Spec) -> None:
    prop(spec, "CaptureOrder", "order")["maxLength"] = 64


# field -> (the edit, the JSON Schema keyword that refuses a witness of it alone)
EDITS: dict[str, tuple[Callable[[Spec], None], str]] = {
    "currency": (currency_loses_rsd, "enum"),
    "order_items": (order_items_required, "required"),
    "order": (order_shortened, "maxLength"),
}


@pytest.fixture(scope="module")
def report() -> Report:
    new = copy.deepcopy(load_spec())
    for edit, _ in EDITS.values():
        edit(new)
    return diff(load_spec(), new)


def alone(edit: Callable[[Spec], None]) -> Spec:
    spec = copy.deepcopy(load_spec())
    edit(spec)
    return spec


def witnessed(report: Report, field: str) -> tuple[DiffFinding, Witness]:
    found = [f for f in report.findings if f.where.endswith(f": {field}") and f.witness]
    assert len(found) == 1, [(f.where, f.rule) for f in report.findings]
    witness = found[0].witness
    assert witness is not None
    return found[0], witness


def refusals(spec: Spec, witness: Witness) -> list[ValidationError]:
    judge = SchemaJudge(spec)
    return [e for at in witness.schemas["new"] for e in judge.iter_errors(at, witness.value)]


def names(error: ValidationError, field: str) -> bool:
    if error.validator == "required":
        return f"'{field}'" in error.message
    return list(error.absolute_path)[-1:] == [field]


@pytest.mark.parametrize("field", list(EDITS))
def test_each_witness_is_refused_by_its_own_change_alone(report: Report, field: str) -> None:
    edit, keyword = EDITS[field]
    _, witness = witnessed(report, field)
    one_change = alone(edit)
    assert witness.accepted_by == "old"
    assert accepted(load_spec(), witness, "old")
    assert not accepted(one_change, witness, "new")
    errors = refusals(one_change, witness)
    assert errors and all(e.validator == keyword and names(e, field) for e in errors), [
        e.message for e in errors
    ]
    assert witness.reason.startswith(f"{field}: ") or f"'{field}'" in witness.reason


@pytest.mark.parametrize("field", list(EDITS))
def test_each_witness_was_judged_on_the_old_document_with_that_change_alone(
    report: Report, field: str
) -> None:
    edit, _ = EDITS[field]
    _, witness = witnessed(report, field)
    assert witness.isolated is not None
    assert applied(load_spec(), witness.isolated) == alone(edit)


def test_a_shortened_field_is_not_proved_by_a_newly_required_one(report: Report) -> None:
    # The witness of the shorter `order` is refused for its length, not for a missing item list.
    _, witness = witnessed(report, "order")
    value: Any = witness.value
    assert "order_items" not in value
    assert len(value["order"]) == 65
    assert witness.reason.startswith("order: ") and "too long" in witness.reason


def test_a_property_added_with_a_new_definition_brings_the_definition_along() -> None:
    new = copy.deepcopy(load_spec())
    order_items_required(new)
    new["components"]["schemas"]["Note"] = {"type": "string", "maxLength": 10, "example": "hi"}
    note = {"$ref": "#/components/schemas/Note"}
    schema(new, "CaptureOrder")["properties"]["note"] = note
    [added] = [f for f in diff(load_spec(), new).findings if f.rule == "`note` property added"]
    witness = added.witness
    assert witness is not None and witness.isolated is not None
    assert witness.accepted_by == "new" and witness.value == {"order": "CO-000001", "note": "hi"}
    one_change = applied(load_spec(), witness.isolated)
    assert one_change["components"]["schemas"]["Note"] == new["components"]["schemas"]["Note"]
    assert "order_items" not in schema(one_change, "CaptureOrder")["required"]
    assert accepted(one_change, witness, "new") and not accepted(load_spec(), witness, "old")


def test_a_location_with_an_enum_is_tried_value_by_value_not_drawn_from() -> None:
    old = copy.deepcopy(load_spec())
    codes = [f"a{i}" for i in range(50)] + ["zz"]
    schema(old, "CaptureOrder")["properties"]["code"] = {"type": "string", "enum": codes}
    new = copy.deepcopy(old)
    prop(new, "CaptureOrder", "code")["pattern"] = "^a"
    [tightened] = [f for f in diff(old, new).findings if f.where.endswith(": code")]
    assert tightened.witness is not None
    assert tightened.witness.value == {"order": "CO-000001", "code": "zz"}
    assert tightened.witness.found_by == "construction (every one of 51 enum values)"


def test_an_enum_that_no_value_tells_apart_is_documentation_only() -> None:
    new = copy.deepcopy(load_spec())
    del prop(new, "Problem", "code")["pattern"]
    [relaxed] = [f for f in diff(load_spec(), new).findings if f.where.endswith(": code")]
    assert relaxed.witness is None
    assert relaxed.note == "no witness among its 2 enum values: same values accepted"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda spec: prop(spec, "CaptureOrderItem", "pk").pop("format"), "order_items[0].pk"),
        (lambda spec: prop(spec, "Order", "number").update(pattern="^.*$"), "number"),
    ],
    ids=["request-format-removed", "response-pattern-added"],
)
def test_a_change_that_cannot_break_in_its_direction_is_not_drawn_for(
    edit: Callable[[Spec], None], field: str
) -> None:
    # A request that loses a format only widens; a response that gains a pattern only narrows.
    new = copy.deepcopy(load_spec())
    edit(new)
    [found] = [f for f in diff(load_spec(), new).findings if f.where.endswith(f": {field}")]
    assert found.note == "no witness found by construction: same values accepted"

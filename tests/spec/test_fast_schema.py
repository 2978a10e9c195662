"""The compiled accept-check never accepts what the one validator refuses."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from capture_order.contract.spec import load_spec, pointer_get
from capture_order.contract.validation import contract_judge

ORDER = "/components/schemas/Order"
PROBLEM = "/components/schemas/Problem"
ODD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "x\n",
    "TRY",
    1,
    1.0,
    -1,
    0.005,
    2**63,
    True,
    [],
    {},
    "2024-11-21T09:30:00",
    "2024-11-21T09:30:00.000000Z",
    "not a uri ::",
    "999.1.1.1",
)


def _example(name: str) -> dict[str, Any]:
    value: dict[str, Any] = pointer_get(load_spec(), f"#/components/examples/{name}")["value"]
    return value


def _variants(document: Any) -> Iterator[Any]:
    """The document with each member (at any depth) removed or replaced by an odd value."""
    yield document
    if isinstance(document, dict):
        for key in list(document):
            smaller = copy.copy(document)
            del smaller[key]
            yield smaller
            for value in ODD_VALUES:
                yield {**document, key: value}
            for inner in _variants(document[key]):
                yield {**document, key: inner}
        yield {**document, "unknown_member": 1}
    elif isinstance(document, list) and document:
        for value in ODD_VALUES:
            yield [value, *document[1:]]
        for inner in _variants(document[0]):
            yield [inner, *document[1:]]


@pytest.mark.parametrize(
    ("at", "example"),
    [
        (ORDER, "OrderFullyCaptured"),
        (ORDER, "OrderPartiallyCaptured"),
        (PROBLEM, "OrderNotFound"),
        (PROBLEM, "MissingOrder"),
    ],
)
def test_fast_check_accepts_only_what_the_judge_accepts(at: str, example: str) -> None:
    judge = contract_judge()
    disagreements = []
    checked = 0
    for variant in _variants(_example(example)):
        checked += 1
        if judge._fast.accepts(at, variant) and not judge.validator(at).is_valid(variant):
            disagreements.append(variant)
    assert checked > 50
    assert disagreements == []


def test_fast_check_accepts_the_examples() -> None:
    judge = contract_judge()
    assert judge._fast.accepts(ORDER, _example("OrderFullyCaptured"))
    assert judge.errors(ORDER, {**_example("OrderFullyCaptured"), "channel": "1"})

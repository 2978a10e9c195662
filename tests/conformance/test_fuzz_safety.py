"""Generated cases are rewritten so that only fixture orders can be captured."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.fuzz_safety import CaseRewriter
from capture_order.contract.spec import load_spec

PREFIX = "cofuzz-0000abcd-"
FULL = FixtureOrder("CO-A", (11, 12, 13))
PARTIAL = FixtureOrder("CO-B", (21, 22, 23))


@pytest.fixture(scope="module")
def operation() -> Any:
    config = SchemathesisConfig.from_dict({"cache": {"enabled": False}})
    schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()), config=config)
    return schema["/capture-order/"]["POST"]


def _rewrite(
    operation: Any,
    body: Any,
    headers: dict[str, str] | None = None,
    orders: tuple[FixtureOrder, ...] = (FULL, PARTIAL),
) -> Any:
    case = operation.Case(body=body, headers=headers or {})
    CaseRewriter(prefix=PREFIX, orders=orders).rewrite(case)
    return case


def test_generated_order_numbers_get_the_run_prefix(operation: Any) -> None:
    case = _rewrite(operation, {"order": "CO-000777"})
    assert case.body["order"] == PREFIX + "CO-000777"


def test_prefixed_numbers_stay_within_128_characters(operation: Any) -> None:
    case = _rewrite(operation, {"order": "x" * 128})
    assert len(case.body["order"]) == 128 and case.body["order"].startswith(PREFIX)
    too_long = _rewrite(operation, {"order": "y" * 129})
    assert len(too_long.body["order"]) > 128


def test_spec_examples_go_to_fixture_orders(operation: Any) -> None:
    full = _rewrite(operation, {"order": "CO-000001"})
    assert full.body == {"order": "CO-A"}
    partial = _rewrite(operation, {"order": "CO-000001", "order_items": [{"pk": 101}, {"pk": 103}]})
    assert partial.body == {"order": "CO-B", "order_items": [{"pk": 21}, {"pk": 23}]}


def test_spec_examples_are_prefixed_without_fixture_orders(operation: Any) -> None:
    case = _rewrite(operation, {"order": "CO-000001"}, orders=())
    assert case.body["order"] == PREFIX + "CO-000001"


def test_every_case_gets_its_own_idempotency_key(operation: Any) -> None:
    rewriter = CaseRewriter(prefix=PREFIX, orders=())
    keys = set()
    for _ in range(3):
        case = operation.Case(body={"order": "a"}, headers={"Idempotency-Key": "same"})
        rewriter.rewrite(case)
        keys.add(case.headers["Idempotency-Key"])
    assert len(keys) == 3 and all(k.startswith(PREFIX) for k in keys)


def test_invalid_keys_are_left_for_the_server_to_refuse(operation: Any) -> None:
    case = _rewrite(operation, {"order": "a"}, {"Idempotency-Key": "é"})
    assert case.headers["Idempotency-Key"] == "é"

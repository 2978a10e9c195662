"""The request bounds are read from the spec, and the rules' text states the same numbers."""

from __future__ import annotations

from capture_order.contract.catalogue import by_id
from capture_order.contract.facts import request_limits


def _number(value: int) -> str:
    return f"{value:,}"


def test_the_rules_state_the_limits_the_spec_declares() -> None:
    limits = request_limits()
    rules = by_id()
    assert _number(limits.body_bytes) in rules["CO-REQ-02"].text
    assert f"{limits.nesting_depth} levels" in rules["CO-REQ-09"].text
    assert f"longer than {limits.key_max} characters" in rules["CO-REQ-07"].text


def test_the_limits_bound_a_capture_request_as_upstream_allows() -> None:
    limits = request_limits()
    assert (limits.key_min, limits.order_min, limits.items_min, limits.pk_min) == (1, 1, 1, 1)
    assert limits.pk_max == 2**63 - 1  # pks are int64

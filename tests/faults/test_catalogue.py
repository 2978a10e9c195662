"""The fault catalogue itself: broad enough, and its body edits exact."""

from __future__ import annotations

from decimal import Decimal

from capture_order.conformance.verdict import not_checkable
from capture_order.contract.catalogue import requirements
from tests.faults import catalogue as _catalogue  # noqa: F401  (registers the faults)
from tests.faults.registry import FAULTS, LEVELS, Message, dumps

# The classes of mistakes issue 5 asks the matrix to cover.
CLASSES = {
    "response schema",
    "media types and status codes",
    "robustness",
    "authentication",
    "channel isolation",
    "validation",
    "capture state",
    "idempotency",
    "concurrency",
    "error hygiene",
}


def test_catalogue_has_at_least_25_faults_over_every_class() -> None:
    kinds = {f.kind.split(" (")[0] for f in FAULTS.values()}
    assert len(FAULTS) >= 25
    assert kinds >= CLASSES


def test_every_should_requirement_that_can_be_checked_has_a_fault() -> None:
    named = {r for f in FAULTS.values() for r in f.requirements}
    hidden = {r.id for r in requirements() if not_checkable(r)}
    should = {r for r, level in LEVELS.items() if level == "SHOULD"} - hidden
    assert should <= named


def test_decimals_are_written_digit_for_digit() -> None:
    message = Message(body=b'{"amount": 620.50, "items": [{"amount": 0.005}], "n": 3}')
    body = message.json()
    message.set_json(body)
    assert message.body == b'{"amount":620.50,"items":[{"amount":0.005}],"n":3}'
    assert dumps({"k": Decimal("1E+2")}) == '{"k":1E+2}'

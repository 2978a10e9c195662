"""The order-level input classes: their inputs, and the judge deciding each over exchanges."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest

from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.guard import CaptureGuard
from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.boundaries import (
    ITEM_COUNT,
    ORDER_LENGTH,
    PK_RANGE,
    VALUE_LENGTH,
    at_limit,
    past_limit,
)
from capture_order.conformance.number_variants import (
    other_case,
    pattern_characters,
    surrounding_whitespace,
    unicode_forms,
)
from capture_order.conformance.runner import RunReport
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from capture_order.conformance.verdict import Status
from capture_order.contract.facts import request_limits
from tests.traffic.samples import TOKEN, URL

NUMBERS = ["CO-ŞİĞ-000123", "CO-000124"]
LIMITS = request_limits()


def _like(pattern: str, text: str) -> bool:
    """SQL `LIKE` with `\\` as its escape character."""
    regex, chars = "", iter(pattern)
    for char in chars:
        if char == "\\":
            regex += re.escape(next(chars, ""))
        else:
            regex += {"%": ".*", "_": "."}.get(char, re.escape(char))
    return re.fullmatch(regex, text, re.DOTALL) is not None


@pytest.mark.parametrize("number", NUMBERS)
def test_each_spelling_names_no_order_yet_a_lenient_lookup_takes_it_for_the_number(
    number: str,
) -> None:
    folds: dict[str, tuple[Callable[[str], list[str]], Callable[[str], str]]] = {
        "case": (other_case, str.casefold),
        "white space": (surrounding_whitespace, str.strip),
        "NFKC": (unicode_forms, lambda n: unicodedata.normalize("NFKC", n)),
    }
    for name, (variants, fold) in folds.items():
        spellings = variants(number)
        assert spellings and number not in spellings, name
        assert all(fold(s) == fold(number) for s in spellings), name
    patterns = pattern_characters(number)
    wildcards = [p for p in patterns if "\\" not in p]
    assert number not in patterns and all(_like(p, number) for p in wildcards)
    # A `\` escapes the character after it: before one of the number's, the number itself.
    assert any(_like(p, number) for p in patterns if len(p) == len(number) + 1)
    assert {c for p in patterns for c in "%_\\" if c in p} == {"%", "_", "\\"}


def test_a_non_ascii_number_has_decomposed_forms_that_nfc_folds_back() -> None:
    composed = NUMBERS[0]
    nfc = [s for s in unicode_forms(composed) if unicodedata.normalize("NFC", s) == composed]
    assert unicodedata.normalize("NFD", composed) in nfc and len(nfc) > 1
    # An ASCII number has no decomposed form: only compatibility characters.
    ascii_forms = unicode_forms(NUMBERS[1])
    assert all(unicodedata.normalize("NFC", s) != NUMBERS[1] for s in ascii_forms)


def _body(**fields: Any) -> dict[str, Any]:
    return {"order": "CO-1", **fields}


def test_bodies_at_each_limit_and_one_past_it_name_their_boundary_case() -> None:
    pk = {"pk": 7}
    items = [{"pk": n + 2} for n in range(LIMITS.items_max)]  # no pk at its own edge
    assert at_limit(_body(order_items=items)) == (ITEM_COUNT,)
    assert past_limit(_body(order_items=[*items, {"pk": 0}])) == ITEM_COUNT
    value = "ş" * LIMITS.attribute_value_max  # characters count, not bytes
    assert at_limit(_body(order_items=[{**pk, "attributes": {"a": value}}])) == (VALUE_LENGTH,)
    over = {"a": value + "x"}
    assert past_limit(_body(order_items=[{**pk, "attributes": over}])) == VALUE_LENGTH
    assert at_limit({"order": "C" * LIMITS.order_max}) == (ORDER_LENGTH,)
    assert past_limit({"order": "C" * (LIMITS.order_max + 1)}) == ORDER_LENGTH
    for edge in (LIMITS.pk_min, LIMITS.pk_max):
        assert at_limit(_body(order_items=[{"pk": edge}])) == (PK_RANGE,)
    for past in (LIMITS.pk_max + 1, -1):
        assert past_limit(_body(order_items=[{"pk": past}])) == PK_RANGE
    # A pk of 0 and a far longer number stay the older cases' (item-bounds, order-bounds).
    assert past_limit(_body(order_items=[{"pk": 0}])) is None
    assert past_limit({"order": "C" * (LIMITS.order_max + 2)}) is None
    assert at_limit(_body(order_items=[pk])) == ()


def _exchange(
    body: dict[str, Any],
    status: int,
    answer: dict[str, Any],
    *,
    key: str | None = None,
    replayed: bool = False,
) -> Exchange:
    headers = [("Authorization", TOKEN), ("Content-Type", "application/json")]
    if key is not None:
        headers.append(("Idempotency-Key", key))
    media = "application/json" if status == 200 else "application/problem+json"
    response = [("Content-Type", media)] + ([("Idempotent-Replayed", "true")] if replayed else [])
    return Exchange(
        method="POST",
        url=URL,
        request_headers=tuple(headers),
        request_body=json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        response_headers=tuple(response),
        response_body=json.dumps(answer).encode(),
        elapsed_ms=1.0,
        source="test",
    )


def _problem(status: int, code: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "/problems/" + code.replace("_", "-"),
        "title": code,
        "status": status,
        "detail": code,
        "code": code,
    }
    return {**body, "errors": errors} if errors else body


def _outcome(report: RunReport, ref: str) -> Status:
    found = [o.status for r in report.results for o in r.outcomes if o.ref == ref]
    assert found, ref
    return Status.FAIL if Status.FAIL in found else found[0]


ORDER = FixtureOrder("CO-ŞİĞ-000123", (9_999_999_999_999_998, 9_999_999_999_999_999))
SETTINGS = Settings(base_url="test", token=TOKEN, orders=(ORDER,))
UNKNOWN = 9_000_000_000_000_000_001


def _items(count: int) -> list[dict[str, int]]:
    return [{"pk": ORDER.items[0]}, *({"pk": UNKNOWN + n} for n in range(count - 1))]


def test_a_list_at_the_item_limit_refused_as_invalid_fails_its_boundary_case() -> None:
    at = {"order": ORDER.number, "order_items": _items(LIMITS.items_max)}
    invalid = _problem(400, "invalid_request", {"order_items": ["too many"]})
    unknown_item = _problem(422, "order_item_not_found", {"order_items[1].pk": ["unknown"]})
    refused = judge_exchanges([_exchange(at, 400, invalid)], SETTINGS)
    assert _outcome(refused, ITEM_COUNT) == Status.FAIL
    kept = judge_exchanges([_exchange(at, 422, unknown_item)], SETTINGS)
    assert _outcome(kept, ITEM_COUNT) == Status.PASS


def test_a_pk_past_int64_answered_for_the_order_fails_its_boundary_case() -> None:
    past = {"order": ORDER.number, "order_items": [{"pk": LIMITS.pk_max + 1}]}
    unknown_item = _problem(422, "order_item_not_found", {"order_items[0].pk": ["unknown"]})
    invalid = _problem(400, "invalid_request", {"order_items[0].pk": ["too large"]})
    taken = judge_exchanges([_exchange(past, 422, unknown_item)], SETTINGS)
    assert _outcome(taken, PK_RANGE) == Status.FAIL
    refused = judge_exchanges([_exchange(past, 400, invalid)], SETTINGS)
    assert _outcome(refused, PK_RANGE) == Status.PASS


@pytest.mark.parametrize(
    ("spelling", "case"),
    [
        (ORDER.number + " ", "CO-CAP-10/surrounding-whitespace"),
        (unicodedata.normalize("NFD", ORDER.number), "CO-CAP-10/unicode-form"),
        (ORDER.number.swapcase(), "CO-CAP-10/other-case"),
    ],
)
def test_another_spelling_of_a_fixture_number_answered_with_its_order_fails(
    spelling: str, case: str
) -> None:
    # Traffic with the fixtures: the judge finds the spelling by folding it, and names its case.
    body = {"order": spelling, "order_items": [{"pk": UNKNOWN}]}
    found = _problem(422, "order_item_not_found", {"order_items[0].pk": ["unknown"]})
    report = judge_exchanges([_exchange(body, 422, found)], SETTINGS)
    assert _outcome(report, case) == Status.FAIL
    not_found = judge_exchanges([_exchange(body, 404, _problem(404, "order_not_found"))], SETTINGS)
    assert _outcome(not_found, case) == Status.PASS


@pytest.mark.parametrize(
    ("pks", "status", "code", "case"),
    [
        ([5], 409, "order_already_captured", "CO-IDEM-01/conflict-replayed"),
        ([5, 5], 422, "duplicate_order_item", "CO-IDEM-01/unprocessable-replayed"),
    ],
)
def test_a_stored_refusal_replayed_without_the_mark_fails_its_status_case(
    pks: list[int], status: int, code: str, case: str
) -> None:
    body = {"order": "CO-REPLAYED-1", "order_items": [{"pk": pk} for pk in pks]}
    answer = _problem(status, code)
    first = _exchange(body, status, answer, key="k-1")
    unmarked = judge_exchanges([first, _exchange(body, status, answer, key="k-1")], Settings("t"))
    assert _outcome(unmarked, case) == Status.FAIL
    marked = _exchange(body, status, answer, key="k-1", replayed=True)
    assert _outcome(judge_exchanges([first, marked], Settings("t")), case) == Status.PASS


def test_the_guard_sends_a_stated_spelling_only_with_items_no_order_has() -> None:
    guard = CaptureGuard("cofuzz-0000abcd-", [ORDER.number])
    spelling = pattern_characters(ORDER.number)[0]  # a `%` for the number's tail
    harmless = json.dumps({"order": spelling, "order_items": [{"pk": UNKNOWN}]}).encode()
    assert guard.judge(harmless).refusal is not None  # not stated: another order's number
    guard.allow_variant(spelling, ORDER.number)
    judged = guard.judge(harmless)
    assert judged.refusal is None and judged.fixture == ORDER.number and judged.variant
    capturing = json.dumps({"order": spelling, "order_items": [{"pk": ORDER.items[0]}]}).encode()
    assert guard.judge(capturing).refusal is not None
    guard.allow_variant("CO-OTHER-1%", "CO-OTHER-1")  # only a fixture's spellings
    other = json.dumps({"order": "CO-OTHER-1%", "order_items": [{"pk": UNKNOWN}]}).encode()
    assert guard.judge(other).refusal is not None

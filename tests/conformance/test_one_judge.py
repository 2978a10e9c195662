"""One judge: every observable case of the catalogue is judged by exactly one rule or sweep."""

from __future__ import annotations

from collections import Counter

from capture_order.conformance.judge.book import Book
from capture_order.conformance.judge.judge_engine import RULES
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sweep import SWEEPS
from capture_order.contract.catalogue import requirements


def _judged() -> Counter[str]:
    book = Book(Facts())
    rules = [factory(Redactor({}), book) for factory in RULES]
    return Counter(
        [*(c.ref for rule in rules for c in rule.cases), *(r for s in SWEEPS for r in s.cases)]
    )


def test_every_observable_case_is_judged_by_exactly_one_rule_or_sweep() -> None:
    judged = _judged()
    observable = {c.ref for r in requirements() for c in r.cases if c.observable}
    assert {ref: n for ref, n in judged.items() if n > 1} == {}
    assert sorted(observable - set(judged)) == []
    assert sorted(set(judged) - observable) == []

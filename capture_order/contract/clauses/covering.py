"""Which clauses of a rule its cases' `covers` quotes cover, and which quotes are wrong."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from capture_order.contract.clauses.clause import Clause
from capture_order.contract.clauses.splitter import clauses_of


@dataclass(frozen=True)
class BadQuote:
    """A `covers` phrase that names no single place of the rule's text."""

    case: str
    phrase: str
    problem: str


@dataclass(frozen=True)
class Coverage:
    """One rule's clauses against its cases' quotes."""

    clauses: tuple[Clause, ...]
    uncovered: tuple[Clause, ...]
    bad_quotes: tuple[BadQuote, ...]


def coverage(text: str, quotes: Iterable[tuple[str, str]]) -> Coverage:
    """The clauses of `text` and those no quote covers; `quotes` are (case id, phrase) pairs.
    A quote must occur in the text exactly once (else it could stand for either place)."""
    clauses = tuple(clauses_of(text))
    spans: list[tuple[int, int]] = []
    bad: list[BadQuote] = []
    for case, phrase in quotes:
        count = text.count(phrase) if phrase else 0
        if count == 0:
            bad.append(BadQuote(case, phrase, "is not in the rule's text"))
        elif count > 1:
            bad.append(BadQuote(case, phrase, f"occurs {count} times: quote enough to be one"))
        else:
            start = text.index(phrase)
            spans.append((start, start + len(phrase)))
    uncovered = tuple(c for c in clauses if not any(c.covered_by(s, e) for s, e in spans))
    return Coverage(clauses, uncovered, tuple(bad))

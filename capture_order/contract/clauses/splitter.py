"""Splitting a rule's text into clauses.

Hand-written because no library fits: sentence splitters (NLTK's punkt, spaCy, pySBD) cut
sentences but know neither code spans nor enumerations, and the contract's prose is regular
enough for a few deterministic rules. Clauses, each an exact substring of the text:

- sentences, cut at a full stop or a semicolon outside code spans and parentheses;
- asides: a parenthesis with three words or more outside its code spans;
- members of enumerations: lists of atoms (code spans, numbers, all-caps words) joined by
  commas, `or` or `and`, and lists of phrases ending in `, or X` / `, and X` (the first phrase
  taken as many words long as the second), and negations joined by `and`/`or` (`no trimming
  and no normalisation`);
- markers: "at any level", "at any depth", "such as ...".

Not split: a precedence chain (a sentence with "then ..." items or one stating an order of
evaluation: its order is one clause, its pairs are cases); an `or` inside a list's phrase
(`empty or not printable ASCII` is one member); conditions joined by
`and` without a list. Clauses joined by `, and` read as a list: their parts become members
(harmless: each is still a phrase of the text a case must quote).
"""

from __future__ import annotations

import re

from capture_order.contract.clauses.enumerations import (
    atom_members,
    negation_members,
    phrase_members,
)
from capture_order.contract.clauses.masking import asides, without_asides, without_code
from capture_order.contract.clauses.clause import Clause, Kind

MARKER = re.compile(r"\bat any (?:level|depth)\b|\bsuch as [^,;.)]+")
CHAIN = re.compile(r"(?:^|,\s+)then\s|\border of evaluation\b")
WORDS = re.compile(r"[A-Za-z]{2,}")


def _sentences(flat: str) -> list[tuple[int, int]]:
    """Sentence spans of a text whose code spans and asides are blanked."""
    spans, at = [], 0
    for match in re.finditer(r"[.;](?=\s|$)", flat):
        if match.group() == "." and re.match(r"\s+[a-z]", flat[match.end() :]):
            continue  # an abbreviation or a number, not a sentence's end
        spans.append((at, match.end()))
        at = match.end()
    if flat[at:].strip():
        spans.append((at, len(flat)))
    return [_strip(flat, s, e) for s, e in spans if flat[s:e].strip(" ;.")]


def _strip(flat: str, start: int, end: int) -> tuple[int, int]:
    while start < end and flat[start].isspace():
        start += 1
    while end > start and flat[end - 1] in " ;":
        end -= 1
    return start, end


def clauses_of(text: str) -> list[Clause]:
    """Every clause of a rule's text, in the order of the text (outer clauses first)."""
    masked = without_code(text)
    parens = asides(masked)
    flat = without_asides(masked, parens)
    found: dict[tuple[int, int], Clause] = {}

    def add(kind: Kind, start: int, end: int) -> None:
        if start < end and (start, end) not in found:
            found[start, end] = Clause(kind, start, end, text[start:end])

    for start, end in _sentences(flat):
        add("sentence", start, end)
        regions = [(flat, start, end)]
        for aside in (a for a in parens if start <= a.start < end):
            inside = without_asides(masked, asides(masked, aside.start + 1, aside.end - 1))
            if len(WORDS.findall(inside[aside.start : aside.end])) >= 3:
                add("aside", aside.start, aside.end)
            regions.append((inside, aside.start + 1, aside.end - 1))
        if CHAIN.search(flat[start:end]):
            continue  # a precedence chain: its order is one clause
        for region, s, e in regions:
            members = {*atom_members(region, s, e), *phrase_members(region, s, e)}
            for ms, me in sorted(members | set(negation_members(region, s, e))):
                add("member", ms, me)
    for match in MARKER.finditer(masked):
        add("marker", match.start(), _strip(text, match.start(), match.end())[1])
    return sorted(found.values(), key=lambda c: (c.start, -c.end))

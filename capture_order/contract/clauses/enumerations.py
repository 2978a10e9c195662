"""The members of enumerated lists in one clause: lists of atoms (`200, 404, 409 or 422`,
`` `kwd`, `bhd`, `omr` ``) and lists of phrases (`a stack trace, an internal path, SQL, or a
credential`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

# An atom: a code span (blanked inside), a number (not `12,345`'s thousands), an all-caps word.
ATOM = r"(?:`_*`|\b\d+(?:\.\d+)?\b(?!,\d)|\b[A-Z][A-Z0-9]+\b)"
SEPARATOR = r"(?:_*\s*,\s+|,?\s+(?:or|and)\s+)"
ATOM_LIST = re.compile(rf"{ATOM}(?:{SEPARATOR}{ATOM})+")
ATOM_ALONE = re.compile(ATOM)
# A comma that separates list items: followed by a space (`12,345` has none).
COMMA = re.compile(r",\s+")
FINAL = re.compile(r"(?:or|and)\s+")
WORD = re.compile(r"\S+")
# Where a list's last phrase ends and the sentence's predicate starts.
PREDICATE = re.compile(r"\s+(?:is|are) (?:answered|refused)\b")
LEADING_CONJUNCTION = re.compile(r"(?:or|and)\s+")


def atom_members(masked: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Each atom of each list of atoms in `masked[start:end]` (two atoms or more)."""
    for run in ATOM_LIST.finditer(masked, start, end):
        for atom in ATOM_ALONE.finditer(masked, run.start(), run.end()):
            yield atom.start(), atom.end()


# Negations joined by `and`/`or` ("no trimming and no normalisation"): each one a member.
NEGATIONS = re.compile(r"\b(no [a-z]+) (?:and|or) (no [a-z]+)\b")


def negation_members(masked: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Each negation of each `no X and no Y` in `masked[start:end]`."""
    for match in NEGATIONS.finditer(masked, start, end):
        yield match.span(1)
        yield match.span(2)


def _segments(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [(m.start(), m.end()) for m in COMMA.finditer(masked, start, end)]
    bounds, at = [], start
    for cut_start, cut_end in cuts:
        bounds.append((at, cut_start))
        at = cut_end
    bounds.append((at, end))
    return bounds


def _trimmed(masked: str, start: int, end: int) -> tuple[int, int]:
    while start < end and masked[start] in " _":
        start += 1
    while end > start and masked[end - 1] in " _.":
        end -= 1
    return start, end


def _words(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(masked, start, end) if m.group() != "_"]


def phrase_members(masked: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Each member of each list of phrases in `masked[start:end]`, a colon starting anew."""
    at = start
    for colon in re.finditer(r":\s", masked[:end]):
        if colon.start() >= start:
            yield from _phrase_members(masked, at, colon.start())
            at = colon.end()
    yield from _phrase_members(masked, at, end)


def _phrase_members(masked: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Each member of each list of phrases ending in `, or X` / `, and X` (or `or X` after a
    comma list) in `masked[start:end]`; the first member is as many words long as the second.
    `masked` has asides blanked, so a list's commas are its own."""
    segments = _segments(masked, start, end)
    previous = -1
    for index, (s, e) in enumerate(segments):
        final = FINAL.match(masked, s) if index else None
        if final is None:
            continue
        run = segments[previous + 1 : index]
        previous = index
        members = [_trimmed(masked, *segment) for segment in run[1:]]
        predicate = PREDICATE.search(masked, final.end(), e)
        members.append(_trimmed(masked, final.end(), predicate.start() if predicate else e))
        head = _words(masked, *_trimmed(masked, *run[0]))
        if head:
            width = len(_words(masked, *members[0]))
            first = head[-width:] if width < len(head) else head
            lead = LEADING_CONJUNCTION.match(masked, first[0][0])
            members.insert(0, (lead.end() if lead else first[0][0], head[-1][1]))
        yield from (member for member in members if member[0] < member[1])

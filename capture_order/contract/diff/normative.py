"""The normative content of a rule's text: what a rewording must keep to mean the same.

Heuristic, by design transparent: after normalising whitespace, case and punctuation, a rule's
normative content is the multiset of
  * backticked spans (`order_items`, `Token <key>`): identifiers and wire values;
  * quoted strings ('...' or "...");
  * numbers, status codes included (65,536 and 65536 are the same number);
  * condition words: not, no, never, none, nothing, only, unless, except, without, and, or, nor,
    each, every, all, any, either, both, if, when, while, before, after, until, at least,
    at most, more, less, fewer, than, same, other, another, must, should, may, required.
Two texts with equal normative content are a rewording (documentation only); any other
difference (a new condition word, value, number or identifier) changes the rule's meaning.
Written by hand: it is a project convention, not a library's job.
"""

from __future__ import annotations

import re
from collections import Counter

CONDITION_WORDS = frozenset(
    {
        *("not", "no", "never", "none", "nothing", "only", "unless", "except", "without"),
        *("and", "or", "nor", "each", "every", "all", "any", "either", "both"),
        *("if", "when", "while", "before", "after", "until", "more", "less", "fewer", "than"),
        *("same", "other", "another", "must", "should", "may", "required"),
    }
)
CONDITION_PHRASES = ("at least", "at most")
BACKTICKED = re.compile(r"`([^`]*)`")
# Quotes open and close at word boundaries, so an apostrophe (channel's) opens nothing.
QUOTED = re.compile(r"(?<!\w)'([^']+)'(?!\w)|(?<!\w)\"([^\"]+)\"(?!\w)")
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
WORD = re.compile(r"[a-z]+n't|[a-z]+")


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def normative_content(text: str) -> Counter[str]:
    """The tokens a rewording of `text` must keep (see the module docstring)."""
    tokens: Counter[str] = Counter()
    text = _normal(text)
    for span in BACKTICKED.findall(text):
        tokens[f"`{span.strip()}`"] += 1
    text = BACKTICKED.sub(" ", text)
    for single, double in QUOTED.findall(text):
        tokens[f'"{single or double}"'] += 1
    text = QUOTED.sub(" ", text)
    for number in NUMBER.findall(text):
        tokens[f"#{number.replace(',', '')}"] += 1
    text = NUMBER.sub(" ", text)
    for phrase in CONDITION_PHRASES:
        tokens[phrase] += len(re.findall(rf"\b{phrase}\b", text))
        text = re.sub(rf"\b{phrase}\b", " ", text)
    for word in WORD.findall(text):
        if word.endswith("n't"):
            tokens["not"] += 1
        elif word in CONDITION_WORDS:
            tokens[word] += 1
    return +tokens


def same_meaning(old: str, new: str) -> bool:
    """Whether `new` keeps the normative content of `old`."""
    return normative_content(old) == normative_content(new)

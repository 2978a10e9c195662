"""A reworded text as old and new words: the changed runs marked, as `git diff --word-diff` does.

Words are compared with `difflib.SequenceMatcher`. A word is what lies between spaces, except
that a backticked span (`Token <key>`) never splits, so a mark never falls inside code.
Whitespace is not compared (a rewrapped line is no change).
"""

from __future__ import annotations

import difflib
import re

WORD = re.compile(r"(?:`[^`]*`|[^\s`]|`)+")
CODE = re.compile(r"(`[^`]*`)")
# Characters Markdown could read as markup in plain words (CommonMark escapes any of them).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]<|&#!])")


def runs(old: str, new: str) -> list[tuple[str, list[str]]]:
    """The two texts as runs of words: ("equal" | "delete" | "insert", words)."""
    before, after = WORD.findall(old), WORD.findall(new)
    found: list[tuple[str, list[str]]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found.append(("equal", before[i1:i2]))
            continue
        if i2 > i1:
            found.append(("delete", before[i1:i2]))
        if j2 > j1:
            found.append(("insert", after[j1:j2]))
    return found


def as_text(old: str, new: str) -> str:
    """`[-removed words-]{+added words+}` between the words both texts share."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[tag].format(" ".join(words)) for tag, words in runs(old, new))


def as_markdown(old: str, new: str) -> str:
    """`~~removed words~~ **added words**` between the words both texts share, escaped."""
    marks = {"equal": "{}", "delete": "~~{}~~", "insert": "**{}**"}
    return " ".join(
        marks[tag].format(" ".join(markdown_text(word) for word in words))
        for tag, words in runs(old, new)
    )


def markdown_text(text: str) -> str:
    """Text as Markdown shows it literally: code spans kept, markup around them escaped."""
    return "".join(
        part if CODE.fullmatch(part) else MARKDOWN_SPECIAL.sub(r"\\\1", part)
        for part in CODE.split(text)
    )

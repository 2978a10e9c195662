"""A rule's text with its code spans and asides blanked, offsets kept, so that splitting
never cuts inside `code` or (an aside)."""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_SPAN = re.compile(r"`[^`]*`")


def blank(text: str, start: int, end: int, keep_ends: bool = False) -> str:
    """`text` with `[start, end)` turned to underscores (its ends kept when asked)."""
    inner = (start + 1, end - 1) if keep_ends else (start, end)
    return text[: inner[0]] + "_" * (inner[1] - inner[0]) + text[inner[1] :]


def without_code(text: str) -> str:
    """Each code span's inside blanked: its punctuation is never read as the sentence's."""
    for match in CODE_SPAN.finditer(text):
        text = blank(text, match.start(), match.end(), keep_ends=True)
    return text


@dataclass(frozen=True)
class Aside:
    """A parenthesis of the text: `[start, end)` includes the brackets."""

    start: int
    end: int


def asides(masked: str, start: int = 0, end: int | None = None) -> list[Aside]:
    """The outermost parentheses of a code-blanked text (or of `[start, end)` of it), in
    order; an unclosed one is no aside."""
    found: list[Aside] = []
    depth, opened = 0, 0
    for index in range(start, len(masked) if end is None else end):
        char = masked[index]
        if char == "(":
            if depth == 0:
                opened = index
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                found.append(Aside(opened, index + 1))
    return found


def without_asides(masked: str, found: list[Aside]) -> str:
    """The code-blanked text with every aside blanked too."""
    for aside in found:
        masked = blank(masked, aside.start, aside.end)
    return masked

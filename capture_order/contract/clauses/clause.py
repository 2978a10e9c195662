"""A clause: one phrase of a rule's text that a case has to cover."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# sentence: a sentence, or a part of one between semicolons; aside: a parenthesis that says
# more than a name; member: one member of an enumerated list; marker: "at any level/depth",
# "such as ...", which a case must try on its own.
Kind = Literal["sentence", "aside", "member", "marker"]
OWN_QUOTE: frozenset[Kind] = frozenset({"member", "marker"})


@dataclass(frozen=True)
class Clause:
    """`text[start:end]` of one rule, of one kind."""

    kind: Kind
    start: int
    end: int
    phrase: str

    def covered_by(self, start: int, end: int) -> bool:
        """Whether a quote at `[start, end)` of the rule's text covers this clause: a quote
        inside it does; one around it does too, unless the clause needs a quote of its own."""
        if self.start <= start and end <= self.end:
            return True
        return self.kind not in OWN_QUOTE and start <= self.start and self.end <= end

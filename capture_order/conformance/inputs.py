"""Input classes in a run: which of a class's inputs are tried, and how many of how many.

A case that names an input class (`x-input-classes`) is tried over that class, not one example.
`--profile certify` tries every input; the default profile tries the inputs a scenario must
always send (the boundary values) and a seeded sample of the others, so a run stays short and
the same seed tries the same inputs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from capture_order.contract.catalogue import Case

T = TypeVar("T")

# Without --seed the sample is always the same, so two default runs try the same inputs (the
# run's own seed is random by default: it also names generated orders and keys).
DEFAULT_SEED = 23
CERTIFY = "certify"


def sampling_seed(seed: int, seed_given: bool) -> int:
    """The seed inputs are sampled with: the run's --seed when given, else the fixed one."""
    return seed if seed_given else DEFAULT_SEED


@dataclass(frozen=True)
class Tried:
    """How much of one class a run tried."""

    input_class: str
    tried: int
    total: int | None  # None: no scenario sampled the class

    def as_dict(self) -> dict[str, Any]:
        """`{"class": ..., "tried": n, "total": m}` as report.json writes it."""
        return {"class": self.input_class, "tried": self.tried, "total": self.total}

    def words(self) -> str:
        """`tried n of m` (or `not tried`) for the console and the HTML report."""
        if self.total is None:
            return f"{self.input_class}: not tried"
        return f"{self.input_class}: tried {self.tried} of {self.total}"


@dataclass
class InputLedger:
    """The run's sampling of input classes, and what it tried of each."""

    seed: int = DEFAULT_SEED
    every: bool = False  # certify: every input of every class
    _seen: dict[str, set[str]] = field(default_factory=dict)
    _tried: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def for_run(cls, seed: int, seed_given: bool, profile: str) -> InputLedger:
        """The ledger of a run with these settings."""
        return cls(sampling_seed(seed, seed_given), profile == CERTIFY)

    def choose(
        self, class_name: str, candidates: Sequence[T], keep: Sequence[T] = (), sample: int = 8
    ) -> list[T]:
        """The inputs of `class_name` to try: `keep` first, then every other candidate
        (certify) or `sample` of them drawn with the class's own seeded generator."""
        pool: list[T] = []
        for candidate in (*keep, *candidates):
            if candidate not in pool:
                pool.append(candidate)
        kept = len([k for i, k in enumerate(keep) if k not in keep[:i]])
        others = list(range(kept, len(pool)))
        if not self.every and len(others) > sample:
            # A generator per class: what one class samples does not depend on the others.
            rng = random.Random(f"{self.seed}:{class_name}")
            others = sorted(rng.sample(others, max(sample, 0)))
        chosen = [pool[i] for i in (*range(kept), *others)]
        self._seen.setdefault(class_name, set()).update(repr(c) for c in pool)
        self._tried.setdefault(class_name, set()).update(repr(c) for c in chosen)
        return chosen

    def tried(self, class_name: str) -> Tried:
        """What the run tried of a class (total None when no scenario sampled it)."""
        seen = self._seen.get(class_name)
        if seen is None:
            return Tried(class_name, 0, None)
        return Tried(class_name, len(self._tried[class_name]), len(seen))

    def for_case(self, case: Case | None) -> Tried | None:
        """What the run tried of the case's class (None: the case names no class)."""
        if case is None or not case.input_class:
            return None
        return self.tried(case.input_class)

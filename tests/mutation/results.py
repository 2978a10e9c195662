"""mutmut's verdicts read back from `mutants/`: counted, scored, tied to the checks that killed."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

# mutmut's status names (mutmut.stats.status_by_exit_code) that a finished run can hold.
KILLED = "killed"
SURVIVED = "survived"
TIMEOUT = "timeout"
NO_TESTS = "no tests"
# Every mutant that ran, or should have run, is in the score's denominator: only a kill
# counts as caught. Type-check and pragma skips would be left out, but none is configured.
SCORED = (KILLED, SURVIVED, TIMEOUT, NO_TESTS, "suspicious", "segfault")
FORMULA = "score = killed / (killed + survived + timeout + no tests + suspicious + segfault)"


@dataclass(frozen=True)
class Mutant:
    """One mutant: its mutmut name, the source file it changes, and its verdict."""

    name: str
    path: str
    status: str


@dataclass(frozen=True)
class Summary:
    """The counts and the score of one mutation run."""

    counts: dict[str, int]
    total: int

    @property
    def scored(self) -> int:
        """Mutants the score is taken over."""
        return sum(self.counts.get(status, 0) for status in SCORED)

    @property
    def score(self) -> float:
        """Killed share of the scored mutants, in percent (0 when none was scored)."""
        return 100.0 * self.counts.get(KILLED, 0) / self.scored if self.scored else 0.0

    @property
    def unfinished(self) -> int:
        """Mutants without a verdict a finished run gives (not checked, interrupted, ...)."""
        return self.total - self.scored - self.counts.get("skipped", 0)


@dataclass(frozen=True)
class Kills:
    """What the suite reported against the killed mutants (from the killer's outcome files)."""

    by_check: Counter[str] = field(default_factory=Counter)
    by_requirement: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)


# Like mutmut itself, these read `mutants/` in the working directory: the project root.
MUTANTS = Path("mutants")


def load_mutants() -> list[Mutant]:
    """Every mutant mutmut generated, sorted by name."""
    mutants = []
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        source = meta.relative_to(MUTANTS).as_posix().removesuffix(".meta")
        data = SourceFileMutationData(path=source)
        data.load()
        mutants += [
            Mutant(name, source, status_by_exit_code[code])
            for name, code in data.exit_code_by_key.items()
        ]
    return sorted(mutants, key=lambda m: m.name)


def summarize(mutants: list[Mutant]) -> Summary:
    """Count the mutants by status."""
    return Summary(dict(Counter(m.status for m in mutants)), len(mutants))


def diff(mutant: Mutant) -> str:
    """The mutant as a unified diff of its function (what `mutmut show` prints)."""
    return get_diff_for_mutant(mutant.name, path=mutant.path)


def kills(mutants: list[Mutant], outcomes: Path) -> Kills:
    """Which checks and requirements reported each killed mutant, and how it was reported."""
    result = Kills()
    for mutant in mutants:
        if mutant.status != KILLED:
            continue
        path = outcomes / f"{mutant.name}.json"
        if not path.exists():
            result.by_kind["no outcome recorded"] += 1
            continue
        outcome: dict[str, Any] = json.loads(path.read_text("utf-8"))
        not_passed = outcome["not_passed"]
        if outcome["error"] is not None:
            kind = "server did not start or stop"
        elif outcome["exit_code"] == 1:
            kind = "suite verdict FAIL (exit 1)"
        elif outcome["exit_code"] == 2:
            kind = "suite could not run (exit 2)"
        else:
            kind = "suite exit 0 with a WARN or SKIP check"
        result.by_kind[kind] += 1
        for entry in not_passed:
            result.by_check[f"{entry['check']} {entry['status']}"] += 1
        # The requirements the report marked FAIL, WARN or ERROR (not all a check names).
        for requirement in outcome.get("failed", []):
            result.by_requirement[requirement] += 1
    return result


SURVIVORS = Path(__file__).with_name("survivors.toml")


def explanations(path: Path = SURVIVORS) -> dict[str, str]:
    """Mutant name -> why it survives ("kind: reason"), from survivors.toml."""
    groups = tomllib.loads(path.read_text("utf-8"))["group"]
    explained: dict[str, str] = {}
    for group in groups:
        for name in group["mutants"]:
            if name in explained:
                raise ValueError(f"{name} is explained twice in {path.name}")
            explained[name] = f"{group['kind']}: {group['reason']}"
    return explained

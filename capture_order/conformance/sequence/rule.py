"""What every sequence rule has: findings like a check's, what it observed, bounded state."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from capture_order.conformance.http import Exchange
from capture_order.conformance.reproduce import Redactor, curl_command
from capture_order.conformance.sequence.seen import Seen
from capture_order.conformance.verdict import CheckResult, Finding, Status
from capture_order.contract.catalogue import requirement_of

MAX_FINDINGS = 5
# Orders and keys remembered at once: traffic is long, the pairs that matter are close.
REMEMBERED = 4096
_ABSENT: Any = object()
# Requirement IDs of the case references the rules observe (a few dozen; each split once, as a
# judged stream observes several of them an exchange).
_BARE: dict[str, str] = {}
K = TypeVar("K")
V = TypeVar("V")


class Recent(OrderedDict[K, V], Generic[K, V]):
    """A dict that forgets its least recently used entries past REMEMBERED."""

    def touch(self, key: K, default: V) -> V:
        """The entry for key (created from default), now the most recent."""
        found = self.get(key, _ABSENT)
        if found is not _ABSENT:
            self.move_to_end(key)
            return found  # type: ignore[no-any-return]
        self[key] = default
        if len(self) > REMEMBERED:
            self.popitem(last=False)
        return default


@dataclass(frozen=True)
class Need:
    """A requirement a rule judges, and the kind of exchange that exercises it."""

    requirement: str
    exercised_by: str


@dataclass
class Rule:
    """Base of the sequence rules: `feed` each exchange; `results` gives a verdict per need."""

    name: str
    needs: tuple[Need, ...]
    redactor: Redactor
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)
    observed: dict[str, int] = field(default_factory=dict)

    def feed(self, seen: Seen) -> None:
        """Judge one more exchange (rules override this)."""

    def observe(self, requirement: str) -> None:
        """Count an exchange that exercised the requirement."""
        bare = _BARE.get(requirement)
        if bare is None:
            bare = _BARE[requirement] = requirement_of(requirement)
        self.observed[bare] = self.observed.get(bare, 0) + 1

    def expect(
        self,
        condition: bool,
        requirement: str | None,
        title: str,
        *,
        expected: str,
        received: str,
        exchanges: Iterable[Exchange] = (),
    ) -> bool:
        """Record a finding unless the condition holds (the CheckContext.expect signature)."""
        if condition:
            return True
        # The shared expectations name cases (`CO-MON-03/digits`); the rules keep requirements.
        requirement = requirement_of(requirement) if requirement else self.needs[0].requirement
        kept = self.findings.setdefault(requirement, [])
        if len(kept) >= MAX_FINDINGS or any(f.title.startswith(title) for f in kept):
            self.more[requirement] = self.more.get(requirement, 0) + 1
            return False
        shown = list(exchanges)
        where = ", ".join(e.source for e in shown[-2:])
        kept.append(
            Finding(
                requirement,
                self.redactor.text(f"{title} ({where})" if where else title),
                self.redactor.text(expected),
                self.redactor.text(received),
                tuple(curl_command(e, self.redactor) for e in shown),
            )
        )
        return False

    def results(self, exchanges: int) -> list[CheckResult]:
        """One result per need: FAIL with findings, PASS when exercised, else SKIP."""
        out = []
        for need in self.needs:
            found = tuple(self.findings.get(need.requirement, ()))
            seen = self.observed.get(need.requirement, 0)
            if found:
                status, reason = Status.FAIL, ""
                if self.more.get(need.requirement):
                    reason = f"and {self.more[need.requirement]} more like these"
            elif seen:
                status, reason = Status.PASS, ""
            else:
                status = Status.SKIP
                reason = f"not observed in {exchanges} exchanges: needs {need.exercised_by}"
            out.append(
                CheckResult(self.name, (need.requirement,), status, found, reason, examined=seen)
            )
        return out

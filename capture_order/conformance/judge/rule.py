"""What every rule has: the cases it judges, findings per case, what it observed, bounded state."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.seen import Seen
from capture_order.conformance.reproduce import Redactor, curl_command
from capture_order.conformance.verdict import CaseOutcome, CheckFinding, CheckResult, Status
from capture_order.contract.catalogue import requirement_of

if TYPE_CHECKING:
    from capture_order.conformance.judge.broken import Expected

MAX_FINDINGS = 5
# Orders and keys remembered at once: traffic is long, the pairs that matter are close.
REMEMBERED = 4096
_ABSENT: Any = object()
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
class Judged:
    """A case a rule judges, and the exchange that exercises it (said when none came)."""

    ref: str
    exercised_by: str


@dataclass
class Rule:
    """Base of the rules: `feed` each exchange; `result` gives an outcome per case."""

    name: str
    cases: tuple[Judged, ...]
    redactor: Redactor
    findings: dict[str, list[CheckFinding]] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)
    observed: dict[str, int] = field(default_factory=dict)

    def feed_expected(self, seen: Seen, expected: Expected) -> None:
        """Judge one more exchange, with the rules its request breaks (rules override this)."""

    def finish(self) -> None:
        """Judge what only the end of the stream shows (rules override this)."""

    def observe(self, ref: str) -> None:
        """Count an exchange that exercised the case."""
        self.observed[ref] = self.observed.get(ref, 0) + 1

    def expect(
        self,
        condition: bool,
        ref: str,
        title: str,
        *,
        expected: str,
        received: str,
        exchanges: Iterable[Exchange] = (),
    ) -> bool:
        """Judge the case: observed, and a finding unless the condition holds."""
        self.observed[ref] = self.observed.get(ref, 0) + 1
        if condition:
            return True
        kept = self.findings.setdefault(ref, [])
        if len(kept) >= MAX_FINDINGS or any(f.title.startswith(title) for f in kept):
            self.more[ref] = self.more.get(ref, 0) + 1
            return False
        shown = list(exchanges)
        where = ", ".join(dict.fromkeys(e.source for e in shown[-2:]))
        kept.append(
            CheckFinding(
                ref,
                self.redactor.text(f"{title} ({where})" if where else title),
                self.redactor.text(expected),
                self.redactor.text(received),
                tuple(curl_command(e, self.redactor) for e in shown),
            )
        )
        return False

    def result(self, exchanges: int) -> CheckResult:
        """The rule's result: each case FAIL with findings, PASS when exercised, else SKIP.

        A finding may name another rule's case (what this rule saw breaks it) or a bare
        requirement (every case of it): it is kept, and fails that case wherever it is judged.
        """
        outcomes = []
        findings = [f for ref, found in self.findings.items() for f in self._kept(ref, found)]
        for case in self.cases:
            failed = case.ref in self.findings or requirement_of(case.ref) in self.findings
            if failed:
                outcomes.append(CaseOutcome(case.ref, Status.FAIL, "", (self.name,)))
            elif self.observed.get(case.ref):
                outcomes.append(CaseOutcome(case.ref, Status.PASS, "", (self.name,)))
            else:
                reason = f"not observed in {exchanges} exchanges: needs {case.exercised_by}"
                outcomes.append(CaseOutcome(case.ref, Status.SKIP, reason, (self.name,)))
        statuses = {o.status for o in outcomes}
        if findings:
            status = Status.FAIL
        else:
            status = Status.PASS if Status.PASS in statuses else Status.SKIP
        return CheckResult(
            self.name,
            tuple(c.ref for c in self.cases),
            status,
            tuple(findings),
            examined=sum(self.observed.values()),
            outcomes=tuple(outcomes),
        )

    def _kept(self, ref: str, found: list[CheckFinding]) -> list[CheckFinding]:
        more = self.more.get(ref)
        return [*found[:-1], _with_more(found[-1], more)] if more and found else found


def _with_more(finding: CheckFinding, more: int) -> CheckFinding:
    return CheckFinding(
        finding.requirement,
        f"{finding.title} (and {more} more like these)",
        finding.expected,
        finding.received,
        finding.curl,
    )

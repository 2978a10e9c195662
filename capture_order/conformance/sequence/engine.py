"""One engine for both modes: the sweeps and the sequence rules over a stream of exchanges."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from capture_order.conformance.http import Exchange
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sequence.credentials import TokensKeepTheirChannel
from capture_order.conformance.sequence.idempotency import KeysReplayOrRefuse
from capture_order.conformance.sequence.isolation import NotFoundLooksAlike
from capture_order.conformance.sequence.money import CapturesReportWhatTheyDid
from capture_order.conformance.sequence.orders import OrdersAreCapturedOnce
from capture_order.conformance.sequence.requests import AnswersFitTheRequest
from capture_order.conformance.sequence.rule import Rule
from capture_order.conformance.sequence.seen import Seen
from capture_order.conformance.sweep import SWEEPS, SweepStream
from capture_order.conformance.verdict import CheckResult, Status

RULES: tuple[Callable[[Redactor], Rule], ...] = (
    AnswersFitTheRequest,
    NotFoundLooksAlike,
    TokensKeepTheirChannel,
    CapturesReportWhatTheyDid,
    OrdersAreCapturedOnce,
    KeysReplayOrRefuse,
)
# Which exchanges exercise a sweep: a sweep that saw none of them is SKIP, never PASS.
SWEEP_SCOPE: dict[str, tuple[str, Callable[[Exchange], bool]]] = {
    "errors_are_problem_documents": ("a 4xx or 5xx", lambda e: e.status >= 400),
    "problem_types_are_relative": ("a 4xx or 5xx", lambda e: e.status >= 400),
    "problem_type_is_fixed_per_code": ("two errors with one code", lambda e: e.status >= 400),
    "success_bodies_are_orders": ("a 200", lambda e: e.status == 200),
}


# Judging a file on two cores, each process reads the whole file and runs one half of the checks:
# the sweeps with the first two rules, or the other rules (measured to take about as long: 41-46
# us an exchange each on the synthetic 40 MB file, alternating runs). Every check still sees every
# exchange, so its verdict does not depend on the process that ran it.
HALVES = 2
_FIRST_HALF_RULES = 2


class SequenceJudge:
    """Feeds each exchange to every sequence rule; results per requirement at the end."""

    def __init__(
        self,
        redactor: Redactor,
        selected: Callable[[str, tuple[str, ...]], bool],
        half: int | None = None,
    ):
        factories = RULES
        if half is not None:
            factories = RULES[:_FIRST_HALF_RULES] if half == 0 else RULES[_FIRST_HALF_RULES:]
        rules = [factory(redactor) for factory in factories]
        self.rules = [r for r in rules if selected(r.name, tuple(n.requirement for n in r.needs))]
        self.count = 0

    def feed(self, exchange: Exchange) -> None:
        """Judge one more exchange."""
        self.count += 1
        if not self.rules:
            return  # this half (or the selection) has no rule: nothing to read for one
        seen = Seen.of(exchange)
        for rule in self.rules:
            rule.feed(seen)

    def results(self) -> list[CheckResult]:
        """Every rule's verdict per requirement (SKIP: not observed, and what would observe it)."""
        out = []
        for rule in self.rules:
            finish = getattr(rule, "finish", None)
            if finish is not None:
                finish()
            out += rule.results(self.count)
        return out


class StreamJudge:
    """The sweeps and the sequence rules, over exchanges fed one at a time (traffic mode).

    `half`: only that half of the checks (HALVES), for a judging process of a split file judge.
    """

    def __init__(
        self,
        redactor: Redactor,
        secrets: Callable[[], tuple[str, ...]],
        selected: Callable[[str, tuple[str, ...]], bool],
        half: int | None = None,
    ) -> None:
        sweeps = SWEEPS if half in (None, 0) else ()
        self.sweeps = [SweepStream(s, (), redactor) for s in sweeps if selected(s.name, s.cases)]
        self.sequence = SequenceJudge(redactor, selected, half)
        self.secrets = secrets
        self._secrets: tuple[str, ...] | None = None
        self.scoped = {name: 0 for name in SWEEP_SCOPE}
        self.findings = 0

    def feed(self, exchange: Exchange) -> None:
        """Judge one more exchange."""
        secrets = self.secrets()
        if secrets is not self._secrets:  # a new key learnt: every sweep looks for it now
            self._secrets = secrets
            for stream in self.sweeps:
                stream.secrets = secrets
        status = exchange.status
        for stream in self.sweeps:
            if status < stream.sweep.floor:
                stream.examined += 1  # looked at, and nothing to say: as `feed` would count it
                continue
            added = stream.feed(exchange)
            if added:
                self.findings += len(added)
        for name, (_, applies) in SWEEP_SCOPE.items():
            if applies(exchange):
                self.scoped[name] += 1
        self.sequence.feed(exchange)

    def found(self) -> int:
        """The number of findings so far (for live summaries)."""
        return self.findings + sum(
            len(f) for rule in self.sequence.rules for f in rule.findings.values()
        )

    def results(self) -> list[CheckResult]:
        """Per sweep and rule: FAIL, PASS when exercised, SKIP with what would exercise it."""
        count = self.sequence.count
        out = []
        for stream in self.sweeps:
            result = stream.result()
            scope = SWEEP_SCOPE.get(result.name)
            if result.status == Status.PASS and scope is not None and not self.scoped[result.name]:
                result = CheckResult(
                    result.name,
                    result.refs,
                    Status.SKIP,
                    reason=f"not observed in {count} exchanges: needs {scope[0]}",
                )
            elif result.status == Status.SKIP:
                result = CheckResult(
                    result.name,
                    result.refs,
                    Status.SKIP,
                    reason=f"not observed in {count} exchanges: needs any exchange",
                )
            out.append(result)
        return out + self.sequence.results()


def second_opinion(exchanges: Iterable[Exchange], redactor: Redactor) -> list[CheckResult]:
    """The sequence rules over an active run's own exchanges: what they exercised, judged."""
    judge = SequenceJudge(redactor, lambda name, ids: True)
    for exchange in exchanges:
        judge.feed(exchange)
    return [
        CheckResult(
            f"traffic:{r.name}", r.refs, r.status, r.findings, r.reason, examined=r.examined
        )
        for r in judge.results()
        if r.status != Status.SKIP
    ]

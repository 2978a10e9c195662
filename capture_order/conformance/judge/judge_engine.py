"""The judge: the sweeps and the rules over a stream of exchanges, with what is known of orders.

Each exchange is read once (`Seen`), the rules it breaks worked out once (`broken.expected`,
against the book: what the stream showed before it), then every sweep and rule judges it, and
the book takes it in. Active runs, `--traffic` and the proxy all end here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.book import Book
from capture_order.conformance.judge.broken import expected, well_formed
from capture_order.conformance.judge.captures import CapturesReportWhatTheyDid
from capture_order.conformance.judge.first_rule import AnswersFitTheRequest
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.conformance.judge.keys import KeysReplayOrRefuse
from capture_order.conformance.judge.not_found import NotFoundLooksAlike
from capture_order.conformance.judge.orders import OrdersAreCapturedOnce
from capture_order.conformance.judge.rule import Rule
from capture_order.conformance.judge.seen import Seen
from capture_order.conformance.judge.tokens import TokensAreReadAsHttpSays
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sweep import SWEEPS, SweepStream
from capture_order.conformance.verdict import CaseOutcome, CheckResult, Status

RuleFactory = Callable[[Redactor, Book], Rule]
RULES: tuple[RuleFactory, ...] = (
    AnswersFitTheRequest,
    NotFoundLooksAlike,
    TokensAreReadAsHttpSays,
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
    "every_401_names_the_scheme": ("a 401", lambda e: e.status == 401),
}
# Judging a file on two cores, each process reads the whole file and runs one half of the checks:
# the sweeps with the first two rules, or the other rules. Every check still sees every exchange
# (and each process keeps the whole book), so its verdict does not depend on the process.
HALVES = 2
_FIRST_HALF_RULES = 3


class RuleJudge:
    """Every sweep and rule, over exchanges fed one at a time; a result per case at the end.

    `half`: only that half of the checks (HALVES), for a judging process of a split file judge.
    """

    def __init__(
        self,
        redactor: Redactor,
        secrets: Callable[[], tuple[str, ...]],
        selected: Callable[[str, tuple[str, ...]], bool],
        facts: Facts | None = None,
        half: int | None = None,
    ) -> None:
        self.facts = facts if facts is not None else Facts()
        self.book = Book(self.facts)
        sweeps = SWEEPS if half in (None, 0) else ()
        self.sweeps = [SweepStream(s, (), redactor) for s in sweeps if selected(s.name, s.cases)]
        factories = RULES
        if half is not None:
            factories = RULES[:_FIRST_HALF_RULES] if half == 0 else RULES[_FIRST_HALF_RULES:]
        rules = [factory(redactor, self.book) for factory in factories]
        self.rules = [r for r in rules if selected(r.name, tuple(c.ref for c in r.cases))]
        self.secrets = secrets
        self._secrets: tuple[str, ...] | None = None
        self.scoped = {name: 0 for name in SWEEP_SCOPE}
        self.findings = 0
        self.count = 0

    def feed(self, exchange: Exchange) -> None:
        """Judge one more exchange."""
        self.count += 1
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
        seen = Seen.of(exchange)
        wanted = expected(seen, self.book)
        for rule in self.rules:
            rule.feed_expected(seen, wanted)
        self.book.write(seen, well_formed(exchange.request_header_lines("Authorization")))

    def found(self) -> int:
        """The number of findings so far (for live summaries)."""
        return self.findings + sum(len(f) for rule in self.rules for f in rule.findings.values())

    def results(self) -> list[CheckResult]:
        """Per sweep and rule: each case FAIL, PASS when exercised, SKIP with what would."""
        count = self.count
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
            outcomes = tuple(
                CaseOutcome(ref, result.status, result.reason, (result.name,))
                for ref in result.refs
            )
            out.append(replace(result, outcomes=outcomes))
        for rule in self.rules:
            rule.finish()
            out.append(rule.result(count))
        return out


def judge_all(
    exchanges: Iterable[Exchange],
    redactor: Redactor,
    facts: Facts,
    secrets: tuple[str, ...] = (),
    selected: Callable[[str, tuple[str, ...]], bool] = lambda name, refs: True,
) -> list[CheckResult]:
    """Every exchange of an active run through the judge, in the order they were answered."""
    judge = RuleJudge(redactor, lambda: secrets, selected, facts)
    for exchange in exchanges:
        judge.feed(exchange)
    return judge.results()

"""One conformance run: plan, preflight, scenarios, schema fuzzing, then the judge's verdicts.

Scenarios and the fuzzer only send; every exchange of the run then goes through the one judge
(`conformance.judge`), with the fixtures and what the scenarios set up as its facts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from capture_order.conformance import scenarios as _scenarios  # noqa: F401  (registers them)
from capture_order.conformance.baseline import Applied
from capture_order.conformance.context import ScenarioContext, Skip, SuiteBugError
from capture_order.conformance.fuzz_cases import CASES as FUZZ_REFS
from capture_order.conformance.fuzz_cases import FIXTURE_CASE, FUZZ
from capture_order.conformance.fuzz_cases import NEED_TOKEN as FUZZ_NEED_TOKEN
from capture_order.conformance.guard import CaptureGuard, Ledger, RefusedCaptureError
from capture_order.conformance.http import Client, Exchange, UnreachableError
from capture_order.conformance.inputs import InputLedger
from capture_order.conformance.judge.judge_engine import judge_all
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.conformance.needs import NO_TOKEN, OrderPool, grant
from capture_order.conformance.plan import Plan, case_reasons, make_plan, take_fuzz_orders
from capture_order.conformance.preflight import check_setup
from capture_order.conformance.registry import SCENARIOS, Scenario, selected
from capture_order.conformance.reproduce import Redactor, curl_command, redactor_for
from capture_order.conformance.settings import Settings
from capture_order.conformance.sweep import SWEEPS
from capture_order.conformance.verdict import (
    CheckFinding,
    CheckResult,
    RequirementResult,
    Status,
    Verdict,
    case_outcomes,
    not_run,
    overall,
    requirement_verdict,
    scenario_outcomes,
)
from capture_order.contract.catalogue import Case, Requirement, requirements

RESPONSE_TIME = Requirement(
    "RUN-RT-01",
    "MUST",
    "Responses within --max-response-time",
    "Every response arrives within the limit given with --max-response-time "
    "(a requirement of this run, not of the spec).",
    (Case("RUN-RT-01", "within-limit", "Every response of the semantic checks is in time."),),
)
RESPONSE_TIME_CASE = RESPONSE_TIME.cases[0].ref
# Every case some scenario (or the fuzzer) exercises; the lint proves it is every observable
# one. The sweeps judge every exchange of a run: any scenario exercises them.
COVERED = frozenset(
    {ref for entry in SCENARIOS for ref in entry.cases}
    | {ref for sweep in SWEEPS for ref in sweep.cases}
    | set(FUZZ_REFS)
    | {RESPONSE_TIME_CASE}
)


@dataclass
class RunReport:
    """Everything a run produced, for the console and the report files."""

    settings: Settings
    started_at: str
    duration_s: float = 0.0
    results: list[CheckResult] = field(default_factory=list)
    requirements: list[RequirementResult] = field(default_factory=list)
    verdict: Verdict = Verdict.ERROR
    error: str | None = None
    requests: int = 0
    fuzz_cases: int = 0
    fuzz_phases: dict[str, int] = field(default_factory=dict)
    fuzz_duration_s: float = 0.0
    prefix: str = ""
    # Set by a run over recorded traffic (conformance.traffic.run): what was read and covered.
    traffic: dict[str, Any] | None = None
    plan: Plan | None = None
    ledger: Ledger = field(default_factory=Ledger)
    # Set when --expected-failures was given (conformance.baseline): what it left of the verdict.
    baseline: Applied | None = None
    inputs: InputLedger = field(default_factory=InputLedger)


Progress = Callable[[str], None]


def run_prefix(seed: int) -> str:
    """The per-run prefix of every generated order number and key (derived from the seed)."""
    return f"cofuzz-{random.Random(f'prefix:{seed}').getrandbits(32):08x}-"


def catalogue(settings: Settings) -> list[Requirement]:
    """The spec's requirements, plus the response-time rule when --max-response-time is given."""
    found = requirements()
    return [*found, RESPONSE_TIME] if settings.max_response_time_ms else found


def _selected_scenarios(settings: Settings) -> list[Scenario]:
    return [e for e in SCENARIOS if selected(e.name, e.cases, settings.only, settings.skip)]


def selected_cases(settings: Settings) -> frozenset[str] | None:
    """The cases --only/--skip leave to judge (None: every case).

    A case is chosen when --only names it, its requirement, or a scenario or sweep declaring
    it; --skip drops it when it names the case, its requirement, or every scenario declaring it.
    """
    only, skip = settings.only, settings.skip
    if not only and not skip:
        return None
    declared: dict[str, set[str]] = {}
    for name, cases in [
        *((e.name, e.cases) for e in SCENARIOS),
        *((s.name, s.cases) for s in SWEEPS),
        (FUZZ, FUZZ_REFS),
    ]:
        for ref in cases:
            declared.setdefault(ref, set()).add(name)
    chosen = set()
    for requirement in requirements():
        for case in requirement.cases:
            names = declared.get(case.ref, set())
            wanted = not only or bool({case.ref, requirement.id, *names} & only)
            dropped = bool({case.ref, requirement.id} & skip) or bool(names and names <= skip)
            if wanted and not dropped:
                chosen.add(case.ref)
    return frozenset(chosen)


def _restricted(result: CheckResult, chosen: frozenset[str] | None) -> CheckResult | None:
    """A judging result cut to the chosen cases, and whatever it found broken (None: nothing).

    What the chosen scenarios' exchanges show broken fails its case, chosen or not.
    """
    if chosen is None:
        return result
    outcomes = tuple(o for o in result.outcomes if o.ref in chosen or o.status == Status.FAIL)
    refs = tuple(o.ref for o in outcomes)
    if not refs and not result.findings:
        return None
    status = result.status if result.findings else Status.SKIP
    if not result.findings and any(o.status == Status.PASS for o in outcomes):
        status = Status.PASS
    return replace(result, refs=refs, outcomes=outcomes, status=status)


def _fuzz_selected(settings: Settings) -> bool:
    return selected(FUZZ, FUZZ_REFS, settings.only, settings.skip)


def _selected_sweeps(settings: Settings) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (s.name, s.cases) for s in SWEEPS if selected(s.name, s.cases, settings.only, settings.skip)
    ]


def plan_for(settings: Settings) -> Plan:
    """What the selected checks need, and which cases the given fixtures allow."""
    sweeps = _selected_sweeps(settings)
    if settings.max_response_time_ms:
        sweeps.append(("responses_within_time_limit", (RESPONSE_TIME_CASE,)))
    return make_plan(
        settings,
        _selected_scenarios(settings),
        fuzz=(FUZZ, FUZZ_REFS, FIXTURE_CASE) if _fuzz_selected(settings) else None,
        sweeps=sweeps,
    )


def guard_for(settings: Settings, prefix: str) -> CaptureGuard:
    """The guard of a run: every fixture order of the file, and the run's prefix."""
    numbers = [o.number for o in (*settings.orders, *settings.foreign_orders)]
    numbers += [o.number for o in settings.uncapturable_orders]
    return CaptureGuard(prefix, numbers)


def facts_for(settings: Settings, prefix: str) -> Facts:
    """What the judge knows before the run: the fixtures, and the run's own prefix."""
    facts = Facts(prefix)
    facts.add_fixtures(
        settings.token,
        settings.orders,
        settings.foreign_token,
        settings.foreign_orders,
        settings.uncapturable_orders,
    )
    return facts


def run(settings: Settings, progress: Progress) -> RunReport:
    """Carry out a whole run against settings.base_url."""
    started = time.perf_counter()
    report = RunReport(settings, datetime.now(UTC).isoformat(timespec="seconds"))
    report.prefix = run_prefix(settings.seed)
    report.plan = plan_for(settings)
    report.inputs = InputLedger.for_run(settings.seed, settings.seed_given, settings.profile)
    redactor = redactor_for(settings.token, settings.foreign_token)
    client = Client(settings.base_url, guard_for(settings, report.prefix), settings.rate_limit)
    report.ledger = client.ledger
    facts = facts_for(settings, report.prefix)
    try:
        report.error = _preflight(client, settings, report.prefix)
        if report.error is None:
            used = report.plan.orders_used
            report.error = check_setup(client, settings, facts, report.prefix, used)
        if report.error is None:
            _run_scenarios(settings, client, redactor, facts, report, progress)
    except UnreachableError as exc:
        report.error = f"cannot reach {client.url}: {exc}"
    finally:
        client.close()
        report.duration_s = time.perf_counter() - started
    if report.error is not None:
        report.requirements = not_run(catalogue(settings), report.error)
    return report


def not_run_report(settings: Settings, error: str) -> RunReport:
    """The report of a run that stopped before it judged anything: every case SKIP, saying why."""
    report = RunReport(settings, datetime.now(UTC).isoformat(timespec="seconds"), error=error)
    report.requirements = not_run(catalogue(settings), error)
    return report


def _preflight(client: Client, settings: Settings, prefix: str) -> str | None:
    """Why the run cannot be carried out (nothing listening, token refused), or None."""
    headers = {"Content-Type": "application/json"}
    if settings.token:
        headers["Authorization"] = settings.token
    body = f'{{"order": "{prefix}preflight"}}'.encode()
    try:
        exchange = client.send("POST", body=body, headers=headers, source="preflight")
    except UnreachableError as exc:
        return f"cannot reach {client.url}: {exc.__cause__ or exc}"
    if settings.token and exchange.status == 401:
        return f"the configured token is refused: POST {client.url} answered 401 with it"
    if exchange.status in (404, 405) and not exchange.response_body.lstrip().startswith(b"{"):
        # A bodiless or HTML 404 may be a wrong base URL, or a deployment answering badly:
        # only when the path has no POST-only operation either (GET is not a 405) is there
        # nothing to test. Otherwise the bad answers are the deployment's, reported as FAIL.
        probe = client.send("GET", source="preflight")
        if probe.status != 405:
            return f"no capture-order operation at {client.url} (HTTP {exchange.status})"
    return None


def _run_scenarios(
    settings: Settings,
    client: Client,
    redactor: Redactor,
    facts: Facts,
    report: RunReport,
    progress: Progress,
) -> None:
    pool = OrderPool(settings.orders)
    foreign_pool = OrderPool(settings.foreign_orders)
    results = report.results
    # The header said which scenarios the fixtures skip: their SKIP is not repeated here.
    announced = {p.name for p in report.plan.skipped} if report.plan else set()
    for entry in _selected_scenarios(settings):
        result = _run_one(
            entry, settings, client, pool, foreign_pool, facts, report.prefix, report.inputs
        )
        results.append(result)
        if not (result.status == Status.SKIP and result.name in announced):
            progress(_sent(result))
    if _fuzz_selected(settings):
        results.append(_fuzz(settings, client, pool, facts, report, progress))
    exchanges = list(client.exchanges)
    report.requests = sum(1 for e in exchanges if not e.source.startswith("fuzz"))
    progress(f"judging {len(exchanges)} exchanges")
    # Every rule judges every exchange (the state of an order depends on all of them); the
    # verdicts are then cut to the cases --only/--skip chose.
    chosen = selected_cases(settings)
    judged = [
        cut
        for result in judge_all(exchanges, redactor, facts, settings.secrets())
        if (cut := _restricted(result, chosen)) is not None
    ]
    results += judged
    for result in judged:
        if result.status != Status.SKIP:
            progress(_line(result))
    if settings.max_response_time_ms:
        result = _response_times(exchanges, settings.max_response_time_ms, redactor)
        results.append(_with_outcomes(result))
    report.requirements = [
        requirement_verdict(requirement, results, covered=COVERED, chosen=chosen)
        for requirement in catalogue(settings)
    ]
    report.verdict = overall(report.requirements)


def _with_outcomes(result: CheckResult) -> CheckResult:
    return replace(result, outcomes=case_outcomes(result))


def _run_one(
    entry: Scenario,
    settings: Settings,
    client: Client,
    pool: OrderPool,
    foreign_pool: OrderPool,
    facts: Facts,
    prefix: str,
    inputs: InputLedger,
) -> CheckResult:
    given = grant(entry.name, entry.needs, settings, pool, foreign_pool)
    if isinstance(given, str):
        skipped = CheckResult(entry.name, entry.cases, Status.SKIP, reason=given, kind="scenario")
        return replace(skipped, outcomes=scenario_outcomes(skipped, {}))
    ctx = ScenarioContext(
        entry.name,
        settings,
        client,
        given,
        facts,
        prefix,
        random.Random(f"{settings.seed}:{entry.name}"),
        cases=entry.cases,
        needs=entry.needs.orders,
        skipped=case_reasons(entry, given),
        input_ledger=inputs,
    )
    started = time.perf_counter()
    status, reason = Status.PASS, ""
    try:
        entry.function(ctx)
    except Skip as exc:
        status, reason = Status.SKIP, str(exc)
    except UnreachableError as exc:
        status, reason = Status.ERROR, f"server stopped answering: {exc}"
    except (RefusedCaptureError, SuiteBugError) as exc:
        status, reason = Status.ERROR, f"suite error: {exc}"
    except Exception as exc:  # a crash of the scenario is the suite's fault, never a PASS
        status, reason = Status.ERROR, f"scenario crashed: {type(exc).__name__}: {exc}"
    result = CheckResult(
        entry.name,
        entry.cases,
        status,
        (),
        reason,
        time.perf_counter() - started,
        len(ctx.exchanges),
        kind="scenario",
    )
    return replace(result, outcomes=scenario_outcomes(result, ctx.skipped))


def _fuzz(
    settings: Settings,
    client: Client,
    pool: OrderPool,
    facts: Facts,
    report: RunReport,
    progress: Progress,
) -> CheckResult:
    """Schemathesis as one more scenario: generated requests, recorded for the judge."""
    from capture_order.conformance.fuzzing import run_fuzzing  # loads only when it runs

    orders = take_fuzz_orders(pool, FUZZ)
    outcome = run_fuzzing(settings, orders, report.prefix, facts, progress, client.guard)
    report.fuzz_cases = outcome.cases
    report.fuzz_phases = outcome.phases
    report.fuzz_duration_s = outcome.duration_s
    for exchange in outcome.exchanges:
        client.record(exchange)
    for refusal in outcome.refused:
        client.ledger.refused(refusal, "fuzz", "POST")
    status = Status.ERROR if outcome.error else Status.PASS
    result = CheckResult(
        FUZZ,
        FUZZ_REFS,
        status,
        reason=outcome.error or "",
        duration_s=outcome.duration_s,
        requests=len(outcome.exchanges),
        kind="scenario",
    )
    skipped = (
        {}
        if orders
        else {FIXTURE_CASE: "needs an order left for fuzzing (orders in the fixtures file)"}
    )
    if not settings.token:  # every generated request is then answered 401, rightly
        skipped = dict.fromkeys(FUZZ_NEED_TOKEN, NO_TOKEN)
    return replace(result, outcomes=scenario_outcomes(result, skipped))


def _response_times(exchanges: list[Exchange], limit_ms: float, redactor: Redactor) -> CheckResult:
    slow = [e for e in exchanges if e.elapsed_ms > limit_ms]
    findings = tuple(
        CheckFinding(
            None,
            f"Response slower than {limit_ms:g} ms ({e.source})",
            f"a response within {limit_ms:g} ms",
            f"{e.elapsed_ms:.0f} ms for {e.status}",
            (curl_command(e, redactor),),
        )
        for e in slow[:5]
    )
    status = Status.FAIL if findings else Status.PASS
    return CheckResult("responses_within_time_limit", (RESPONSE_TIME_CASE,), status, findings)


def _sent(result: CheckResult) -> str:
    if result.status == Status.PASS:
        return f"sent  {result.name}: {result.requests} requests"
    return f"{result.status.value:<5} {result.name} — {result.reason}"


def _line(result: CheckResult) -> str:
    ids = " ".join(result.requirements[:4]) + (" …" if len(result.requirements) > 4 else "")
    extra = f" — {result.reason}" if result.reason and result.status != Status.PASS else ""
    return f"{result.status.value:<5} {result.name} [{ids}]{extra}"

"""One conformance run: preflight, semantic checks, schema fuzzing, run-wide sweeps, verdicts."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conformance import checks as _checks  # noqa: F401  (registers the semantic checks)
from conformance.context import Abort, CheckContext, Skip
from conformance.fuzz_events import FUZZ
from conformance.fuzzing import CHECKS as FUZZ_CHECKS
from conformance.fuzzing import run_fuzzing
from conformance.http import Client, Exchange, UnreachableError
from conformance.pool import OrderPool, OrdersExhaustedError
from conformance.registry import REGISTRY, Check, selected
from conformance.reproduce import Redactor, curl_command, redactor_for
from conformance.sequence.engine import second_opinion
from conformance.settings import Settings
from conformance.sweep import SWEEPS, run_sweep
from conformance.verdict import (
    CheckResult,
    Finding,
    RequirementResult,
    Status,
    overall,
    requirement_verdict,
)
from contract.catalogue import Requirement, requirements

RESPONSE_TIME = Requirement(
    "RUN-RT-01",
    "MUST",
    "Responses within --max-response-time",
    "Every response arrives within the limit given with --max-response-time "
    "(a requirement of this run, not of the spec).",
)


@dataclass
class RunReport:
    """Everything a run produced, for the console and the report files."""

    settings: Settings
    started_at: str
    duration_s: float = 0.0
    results: list[CheckResult] = field(default_factory=list)
    requirements: list[RequirementResult] = field(default_factory=list)
    verdict: Status = Status.ERROR
    error: str | None = None
    requests: int = 0
    fuzz_cases: int = 0
    fuzz_phases: dict[str, int] = field(default_factory=dict)
    fuzz_duration_s: float = 0.0
    prefix: str = ""
    # Set by a run over recorded traffic (conformance.traffic.run): what was read and covered.
    traffic: dict[str, Any] | None = None


Progress = Callable[[str], None]


def run_prefix(seed: int) -> str:
    """The per-run prefix of every generated order number and key (derived from the seed)."""
    return f"cofuzz-{random.Random(f'prefix:{seed}').getrandbits(32):08x}-"


def catalogue(settings: Settings) -> list[Requirement]:
    """The spec's requirements, plus the response-time rule when --max-response-time is given."""
    found = requirements()
    return [*found, RESPONSE_TIME] if settings.max_response_time_ms else found


def run(settings: Settings, progress: Progress) -> RunReport:
    """Carry out a whole run against settings.base_url."""
    started = time.perf_counter()
    report = RunReport(settings, datetime.now(UTC).isoformat(timespec="seconds"))
    report.prefix = run_prefix(settings.seed)
    redactor = redactor_for(settings.token, settings.foreign_token)
    client = Client(settings.base_url, settings.rate_limit)
    try:
        report.error = _preflight(client, settings, report.prefix)
        if report.error is None:
            _run_checks(settings, client, redactor, report, progress)
    finally:
        client.close()
        report.duration_s = time.perf_counter() - started
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


def _run_checks(
    settings: Settings, client: Client, redactor: Redactor, report: RunReport, progress: Progress
) -> None:
    pool = OrderPool(settings.orders)
    foreign_pool = OrderPool(settings.foreign_orders)
    results = report.results
    for entry in REGISTRY:
        if selected(entry.name, entry.requirements, settings.only, settings.skip):
            result = _run_one(entry, settings, client, pool, foreign_pool, redactor, report.prefix)
            results.append(result)
            progress(_line(result))
    fuzz_ids = tuple(sorted({r for ids in FUZZ_CHECKS.values() for r in ids}))
    if selected(FUZZ, fuzz_ids, settings.only, settings.skip) or any(
        f"fuzz:{name}" in settings.only for name in FUZZ_CHECKS
    ):
        results += _fuzz(settings, client, pool, redactor, report, progress)
    exchanges = list(client.exchanges)
    report.requests = sum(1 for e in exchanges if not e.source.startswith("fuzz"))
    for sweep in SWEEPS:
        if selected(sweep.name, sweep.requirements, settings.only, settings.skip):
            result = run_sweep(sweep, exchanges, settings.secrets(), redactor)
            results.append(result)
            progress(_line(result))
    if settings.max_response_time_ms:
        results.append(_response_times(exchanges, settings.max_response_time_ms, redactor))
    # A second opinion: the rules over traffic, run over this run's own exchanges.
    for result in second_opinion(exchanges, redactor):
        if selected(result.name, result.requirements, settings.only, settings.skip):
            results.append(result)
            progress(_line(result))
    chosen = {r for result in results for r in result.requirements}
    report.requirements = [
        requirement_verdict(
            requirement,
            results,
            selected=requirement.id in chosen
            or (not settings.only and requirement.id not in settings.skip)
            or requirement.id in settings.only,
        )
        for requirement in catalogue(settings)
    ]
    report.verdict = overall(report.requirements)


def _run_one(
    entry: Check,
    settings: Settings,
    client: Client,
    pool: OrderPool,
    foreign_pool: OrderPool,
    redactor: Redactor,
    prefix: str,
) -> CheckResult:
    ctx = CheckContext(
        entry.name,
        settings,
        client,
        pool,
        foreign_pool,
        redactor,
        prefix,
        random.Random(f"{settings.seed}:{entry.name}"),
    )
    started = time.perf_counter()
    status, reason = Status.PASS, ""
    try:
        entry.function(ctx)
    except Skip as exc:
        status, reason = Status.SKIP, str(exc)
    except Abort:
        pass
    except UnreachableError as exc:
        status, reason = Status.ERROR, f"server stopped answering: {exc}"
    except Exception as exc:  # a crash of the check is the suite's fault, never a PASS
        status, reason = Status.ERROR, f"check crashed: {type(exc).__name__}: {exc}"
    if ctx.findings:
        status = Status.FAIL
    return CheckResult(
        entry.name,
        entry.requirements,
        status,
        tuple(ctx.findings),
        redactor.text(reason),
        time.perf_counter() - started,
        len(ctx.exchanges),
    )


def _fuzz(
    settings: Settings,
    client: Client,
    pool: OrderPool,
    redactor: Redactor,
    report: RunReport,
    progress: Progress,
) -> list[CheckResult]:
    # Two orders: the spec's full-capture example goes to one, the partial ones to the other.
    orders = []
    for min_items in (1, 3):
        try:
            orders.append(pool.take(FUZZ, min_items=min_items))
        except OrdersExhaustedError:
            try:
                orders.append(pool.take(FUZZ))
            except OrdersExhaustedError:
                break
    outcome = run_fuzzing(settings, tuple(orders), report.prefix, redactor, progress)
    report.fuzz_cases = outcome.cases
    report.fuzz_phases = outcome.phases
    report.fuzz_duration_s = outcome.duration_s
    for exchange in outcome.exchanges:
        client.record(exchange)
    for result in outcome.results:
        progress(_line(result))
    return outcome.results


def _response_times(exchanges: list[Exchange], limit_ms: float, redactor: Redactor) -> CheckResult:
    slow = [e for e in exchanges if not e.source.startswith("fuzz") and e.elapsed_ms > limit_ms]
    findings = tuple(
        Finding(
            None,
            f"Response slower than {limit_ms:g} ms ({e.source})",
            f"a response within {limit_ms:g} ms",
            f"{e.elapsed_ms:.0f} ms for {e.status}",
            (curl_command(e, redactor),),
        )
        for e in slow[:5]
    )
    status = Status.FAIL if findings else Status.PASS
    return CheckResult("responses_within_time_limit", (RESPONSE_TIME.id,), status, findings)


def _line(result: CheckResult) -> str:
    ids = " ".join(result.requirements[:4]) + (" …" if len(result.requirements) > 4 else "")
    extra = f" — {result.reason}" if result.reason and result.status != Status.PASS else ""
    return f"{result.status.value:<5} {result.name} [{ids}]{extra}"

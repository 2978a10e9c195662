"""Schema fuzzing with Schemathesis: every applicable check, made safe for live deployments."""

from __future__ import annotations

import copy
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from conformance.contract import base_path, load_spec
from conformance.fixtures import FixtureOrder
from conformance.fuzz_safety import CaseRewriter
from conformance.http import Exchange
from conformance.reproduce import Redactor
from conformance.settings import Settings
from conformance.verdict import CheckResult

# Schemathesis check -> the requirements its failures violate (a status can narrow it, below).
CHECKS: dict[str, tuple[str, ...]] = {
    "not_a_server_error": ("CO-ERR-03",),
    "status_code_conformance": ("CO-RSP-01",),
    "content_type_conformance": ("CO-RSP-01", "CO-ERR-01"),
    "response_headers_conformance": ("CO-RSP-01", "CO-AUTH-02", "CO-REQ-08"),
    "response_schema_conformance": ("CO-RSP-02", "CO-ERR-01"),
    "negative_data_rejection": ("CO-REQ-04",),
    "positive_data_acceptance": ("CO-REQ-04",),
    "missing_required_header": ("CO-AUTH-01",),
    "ignored_auth": ("CO-AUTH-01",),
    "unsupported_method": ("CO-REQ-08",),
    "allow_header_conformance": ("CO-REQ-08",),
    "max_response_time": ("RUN-RT-01",),
}
# Warnings made fatal: a run that never got past authentication, or never saw a 200.
WARNINGS: dict[str, tuple[str, ...]] = {
    "missing_auth": ("CO-AUTH-01",),
    "missing_test_data": ("CO-RSP-02",),
}
# Statuses a schema-violating request may get; 413 for oversized ones (TOOLCHAIN.md).
NEGATIVE_STATUSES = [400, 401, 404, 405, 413, 415, 422]
# Business rules reject schema-valid requests with these (unknown order, state, duplicates).
POSITIVE_STATUSES = [200, 404, 409, 422]


def narrow(check: str, status: int | None) -> str | None:
    """The one requirement a failure of this check at this status violates (None: all of them)."""
    if check == "response_schema_conformance" and status is not None:
        return "CO-RSP-02" if status < 400 else "CO-ERR-01"
    if check == "content_type_conformance" and status is not None:
        return "CO-ERR-01" if status >= 400 else "CO-RSP-01"
    if check == "response_headers_conformance" and status is not None:
        return {401: "CO-AUTH-02", 405: "CO-REQ-08"}.get(status, "CO-RSP-01")
    return None


def rate_limit_text(rate: float) -> str:
    """Requests per second as Schemathesis' `N/s` or `N/m`."""
    return f"{round(rate)}/s" if rate >= 1 else f"{max(1, round(rate * 60))}/m"


def build_config(settings: Settings, fuzz_orders: bool) -> Any:
    """The Schemathesis configuration, built here: never a schemathesis.toml from the cwd."""
    from schemathesis.config import SchemathesisConfig

    data: dict[str, Any] = {
        "seed": settings.seed,
        "cache": {"enabled": False},
        "base-url": settings.base_url + base_path(),
        "workers": settings.workers,
        "continue-on-failure": True,
        "generation": {"max-examples": settings.max_examples, "database": "none"},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            "negative_data_rejection": {"expected-statuses": NEGATIVE_STATUSES},
            "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES},
            # One operation, no links, no resource to free or look up.
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            "object_level_authorization": {"enabled": False},
        },
        "warnings": {
            "fail-on": ["missing_auth", *(["missing_test_data"] if fuzz_orders else [])],
        },
        "request-timeout": 30,
    }
    if settings.token:
        data["headers"] = {"Authorization": settings.token}
    if settings.rate_limit:
        data["rate-limit"] = rate_limit_text(settings.rate_limit)
    if settings.max_response_time_ms:
        data["checks"]["max_response_time"] = settings.max_response_time_ms / 1000
    return SchemathesisConfig.from_dict(data)


@dataclass
class FuzzOutcome:
    """What the fuzzing run found: results per Schemathesis check, exchanges, counts."""

    results: list[CheckResult] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    cases: int = 0
    phases: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    error: str | None = None


@contextmanager
def _hook(rewriter: CaseRewriter) -> Iterator[None]:
    import schemathesis
    from schemathesis import hooks

    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        rewriter.rewrite(case)

    schemathesis.hook(before_call)
    try:
        yield
    finally:
        hooks.unregister(before_call)


def run_fuzzing(
    settings: Settings,
    orders: tuple[FixtureOrder, ...],
    prefix: str,
    redactor: Redactor,
    progress: Callable[[str], None],
) -> FuzzOutcome:
    """Run the examples, coverage and fuzzing phases and turn their results into CheckResults."""
    import hypothesis.configuration
    import schemathesis
    from schemathesis.engine import events, from_schema
    from schemathesis.engine.run import UNIT_PHASES

    from conformance.fuzz_events import Collector

    started = time.perf_counter()
    outcome = FuzzOutcome()
    config = build_config(settings, fuzz_orders=bool(orders))
    rewriter = CaseRewriter(prefix=prefix, orders=orders)
    collector = Collector(config, redactor)
    with tempfile.TemporaryDirectory(prefix="capture-order-hypothesis-") as home, _hook(rewriter):
        # Hypothesis keeps caches in ./.hypothesis unless told otherwise: not in the caller's cwd.
        hypothesis.configuration.set_hypothesis_home_dir(home)
        schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()), config=config)
        collector.bind(schema)
        try:
            for event in from_schema(schema).execute():
                if isinstance(event, events.PhaseStarted) and event.phase.name in UNIT_PHASES:
                    progress(f"fuzzing: {event.phase.name.value} phase")
                elif isinstance(event, events.ScenarioFinished) and event.phase in UNIT_PHASES:
                    count = collector.scenario(event)
                    outcome.phases[event.phase.value] = (
                        outcome.phases.get(event.phase.value, 0) + count
                    )
                    progress(f"fuzzing: {event.phase.value} phase done, {count} cases")
                elif isinstance(event, events.NonFatalError):
                    collector.errors.append(
                        f"{event.label}: {type(event.value).__name__}: {event.value}"
                    )
                elif isinstance(event, events.FatalError):
                    collector.errors.append(f"{type(event.exception).__name__}: {event.exception}")
        finally:
            hypothesis.configuration.set_hypothesis_home_dir(None)
    outcome.duration_s = time.perf_counter() - started
    outcome.results = collector.results(CHECKS, WARNINGS, outcome.duration_s)
    outcome.exchanges = collector.exchanges
    outcome.cases = sum(outcome.phases.values())
    outcome.error = "; ".join(collector.errors) or None
    return outcome

"""Schema fuzzing with Schemathesis: generated requests, made safe for live deployments.

Schemathesis generates and sends (examples, coverage and fuzzing phases); its checks are off.
Every generated exchange goes to the judge with the rest of the run, so that a rule is judged
in one place whoever sent the request.
"""

from __future__ import annotations

import copy
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import hypothesis.configuration
import schemathesis
from schemathesis import Case, HookContext, hooks
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import UNIT_PHASES

from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.fuzz_events import Collector
from capture_order.conformance.fuzz_safety import CaseRewriter
from capture_order.conformance.guard import CaptureGuard, Judgement, RefusedCaptureError
from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.conformance.settings import Settings
from capture_order.contract.spec import base_path, load_spec

# Every check Schemathesis has: off, the judge judges the exchanges.
CHECKS_OFF = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "object_level_authorization",
)


def rate_limit_text(rate: float) -> str:
    """Requests per second as Schemathesis' `N/s` or `N/m`."""
    return f"{round(rate)}/s" if rate >= 1 else f"{max(1, round(rate * 60))}/m"


def build_config(settings: Settings) -> SchemathesisConfig:
    """The Schemathesis configuration, built here: never a schemathesis.toml from the cwd."""

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
        "checks": {name: {"enabled": False} for name in CHECKS_OFF},
        "request-timeout": 30,
    }
    # No configured Authorization: the rewriter gives each case its credential (or none).
    if settings.rate_limit:
        data["rate-limit"] = rate_limit_text(settings.rate_limit)
    return SchemathesisConfig.from_dict(data)


@dataclass
class FuzzOutcome:
    """What the fuzzing run sent: the exchanges, counts, and why it broke off (if it did)."""

    exchanges: list[Exchange] = field(default_factory=list)
    cases: int = 0
    phases: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    error: str | None = None
    refused: list[Judgement] = field(default_factory=list)


def _body_bytes(body: Any) -> bytes | None:
    """A generated body as the bytes the guard judges (JSON, as Schemathesis sends it)."""
    if body is None or isinstance(body, bytes):
        return body
    try:
        return json.dumps(body, default=str).encode()
    except (TypeError, ValueError):
        return str(body).encode()


@contextmanager
def _hook(rewriter: CaseRewriter, guard: CaptureGuard, refused: list[Judgement]) -> Iterator[None]:
    def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
        rewriter.rewrite(case)
        # The last moment before a generated case goes out: the same guard as the client's.
        judgement = guard.judge(_body_bytes(case.body))
        if judgement.refusal is not None:
            refused.append(judgement)
            raise RefusedCaptureError(f"refused to send a generated case: {judgement.refusal}")

    schemathesis.hook(before_call)
    try:
        yield
    finally:
        hooks.unregister(before_call)


def run_fuzzing(
    settings: Settings,
    orders: tuple[FixtureOrder, ...],
    prefix: str,
    facts: Facts,
    progress: Callable[[str], None],
    guard: CaptureGuard,
) -> FuzzOutcome:
    """Run the examples, coverage and fuzzing phases; the exchanges they sent."""
    started = time.perf_counter()
    outcome = FuzzOutcome()
    config = build_config(settings)
    rewriter = CaseRewriter(prefix=prefix, orders=orders, token=settings.token, facts=facts)
    collector = Collector()
    with (
        tempfile.TemporaryDirectory(prefix="capture-order-hypothesis-") as home,
        _hook(rewriter, guard, outcome.refused),
    ):
        # Hypothesis keeps caches in ./.hypothesis unless told otherwise: not in the caller's cwd.
        hypothesis.configuration.set_hypothesis_home_dir(home)
        schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec()), config=config)
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
    outcome.exchanges = collector.exchanges
    outcome.cases = sum(outcome.phases.values())
    outcome.error = "; ".join(collector.errors) or None
    return outcome

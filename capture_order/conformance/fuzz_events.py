"""Turns Schemathesis engine events into the suite's exchanges, findings and results.

Responses are judged by the sweeps (`conformance.sweep`) like every other response of the run;
from Schemathesis come the generated exchanges and its request-side checks. Its run warnings
(`missing_auth`, `missing_test_data`) are counted here over the recorded exchanges.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from schemathesis.core.failures import Failure
from schemathesis.engine.events import ScenarioFinished
from schemathesis.engine.recorder import Interaction, ScenarioRecorder

from capture_order.conformance.context import describe
from capture_order.conformance.fuzz_cases import FUZZ
from capture_order.conformance.http import Exchange
from capture_order.conformance.reproduce import Redactor, curl_command
from capture_order.conformance.verdict import CheckResult, Finding, Status

MAX_FINDINGS_PER_CHECK = 5
# Schemathesis' own threshold: the token "does not work" when this share of answers is 401/403.
AUTH_FAILURE_SHARE = 0.9


def to_exchange(interaction: Interaction, source: str) -> Exchange | None:
    """A recorded Schemathesis interaction as an Exchange (None without a response)."""
    response = interaction.response
    if response is None:
        return None
    request = interaction.request
    return Exchange(
        method=request.method,
        url=request.uri,
        request_headers=tuple((k, v) for k, values in request.headers.items() for v in values),
        request_body=request.body or b"",
        status=response.status_code,
        response_headers=tuple((k, v) for k, values in response.headers.items() for v in values),
        response_body=response.content or b"",
        elapsed_ms=response.elapsed * 1000,
        source=source,
    )


@dataclass
class Collector:
    """Accumulates exchanges, check runs and failures over the scenarios of one run."""

    redactor: Redactor
    token: str | None
    fixture_numbers: frozenset[str]
    exchanges: list[Exchange] = field(default_factory=list)
    ran: dict[str, int] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def scenario(self, event: ScenarioFinished) -> int:
        """Take in one finished scenario; returns its number of cases."""
        recorder = event.recorder
        source = f"fuzz:{event.phase.value}"
        for interaction in recorder.interactions.values():
            exchange = to_exchange(interaction, source)
            if exchange is not None:
                self.exchanges.append(exchange)
        for case_id, nodes in recorder.checks.items():
            for node in nodes:
                self.ran[node.name] = self.ran.get(node.name, 0) + 1
                if node.failure_info is not None:
                    self._failure(recorder, case_id, node.name, node.failure_info.failure, source)
        return len(recorder.cases)

    def _failure(
        self, recorder: ScenarioRecorder, case_id: str, name: str, failure: Failure, source: str
    ) -> None:
        interaction = recorder.interactions.get(failure.case_id or case_id)
        exchange = to_exchange(interaction, source) if interaction is not None else None
        found = self.findings.setdefault(name, [])
        title = self.redactor.text(f"{failure.title} ({source})")
        if len(found) >= MAX_FINDINGS_PER_CHECK or any(f.title == title for f in found):
            self.extra[name] = self.extra.get(name, 0) + 1
            return
        found.append(
            Finding(
                None,
                title,
                f"`{name}` to hold",
                self.redactor.text(
                    (failure.message or failure.title)
                    + (f" — got {describe(exchange)}" if exchange else "")
                ),
                (curl_command(exchange, self.redactor),) if exchange else (),
            )
        )

    def results(
        self,
        checks: dict[str, tuple[str, ...]],
        warnings: dict[str, tuple[str, ...]],
        duration_s: float,
    ) -> list[CheckResult]:
        """One CheckResult per Schemathesis check and per run warning."""
        if self.errors:
            requirements = tuple(
                dict.fromkeys(r for ids in (*checks.values(), *warnings.values()) for r in ids)
            )
            reason = self.redactor.text("; ".join(self.errors))[:1000]
            return [
                CheckResult(FUZZ, requirements, Status.ERROR, reason=reason, duration_s=duration_s)
            ]
        results = []
        for name, requirements in checks.items():
            findings = list(self.findings.get(name, []))
            if self.extra.get(name) and findings:
                last = findings[-1]
                more = f"{last.title} (and {self.extra[name]} more failures)"
                findings[-1] = replace(last, title=more)
            if findings:
                status, reason = Status.FAIL, ""
            elif self.ran.get(name):
                status, reason = Status.PASS, ""
            else:
                status, reason = Status.SKIP, "Schemathesis did not apply this check to any case"
                if name == "max_response_time":
                    continue  # only configured with --max-response-time
            results.append(
                CheckResult(
                    f"fuzz:{name}",
                    requirements,
                    status,
                    tuple(findings),
                    reason,
                    examined=self.ran.get(name, 0),
                )
            )
        return [*results, self._missing_auth(warnings), self._missing_test_data(warnings)]

    def _missing_auth(self, warnings: dict[str, tuple[str, ...]]) -> CheckResult:
        """Whether generated requests with the configured token got past authentication."""
        sent = [e for e in self.exchanges if self.token and e.request_header("Authorization")]
        sent = [e for e in sent if e.request_header("Authorization") == self.token]
        refused = [e for e in sent if e.status in (401, 403)]
        failed = bool(sent) and len(refused) >= AUTH_FAILURE_SHARE * len(sent)
        finding = Finding(
            None,
            "Generated requests with the configured token were not authenticated",
            "requests with the configured token to get past authentication",
            f"{len(refused)} of {len(sent)} generated requests with it answered 401/403",
            (curl_command(refused[0], self.redactor),) if refused else (),
        )
        status = Status.FAIL if failed else Status.PASS
        reason = "" if sent else "no generated request carried the configured token"
        if not sent:
            status = Status.SKIP
        return CheckResult(
            "fuzz:missing_auth",
            warnings["missing_auth"],
            status,
            (finding,) if failed else (),
            reason,
            examined=len(sent),
        )

    def _missing_test_data(self, warnings: dict[str, tuple[str, ...]]) -> CheckResult:
        """Whether a generated request for a fixture order was accepted (a 200 body was seen)."""
        name, requirements = "fuzz:missing_test_data", warnings["missing_test_data"]
        if not self.fixture_numbers:
            reason = (
                "needs an order left for fuzzing (orders in the fixtures file): "
                "no generated request could succeed"
            )
            return CheckResult(name, requirements, Status.SKIP, reason=reason)
        mapped = [e for e in self.exchanges if _order_of(e) in self.fixture_numbers]
        if any(e.status == 200 for e in mapped):
            return CheckResult(name, requirements, Status.PASS, examined=len(mapped))
        finding = Finding(
            None,
            "No generated request with a fixture order was accepted",
            "a 200 for the spec's examples mapped to fixture orders",
            f"{len(mapped)} generated requests for fixture orders, none answered 200: "
            "no 200 body was validated",
            (curl_command(mapped[0], self.redactor),) if mapped else (),
        )
        return CheckResult(name, requirements, Status.FAIL, (finding,), examined=len(mapped))


def _order_of(exchange: Exchange) -> str | None:
    """The `order` a request body names, when it is a JSON object with one."""
    try:
        body = json.loads(exchange.request_body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    order = body.get("order") if isinstance(body, dict) else None
    return order if isinstance(order, str) else None

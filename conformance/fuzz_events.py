"""Turns Schemathesis engine events into the suite's exchanges, findings and results."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from conformance.context import describe
from conformance.http import Exchange
from conformance.reproduce import Redactor, curl_command
from conformance.verdict import CheckResult, Finding, Status

MAX_FINDINGS_PER_CHECK = 5
FUZZ = "schema_fuzzing"


def to_exchange(interaction: Any, source: str) -> Exchange | None:
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
class _Lookup:
    """The slice of the CLI's execution context that Schemathesis' WarningCollector reads."""

    schema: Any

    def find_operation(self, label: str) -> Any:
        return self.schema.find_operation_by_label(label)


class Collector:
    """Accumulates exchanges, check runs and failures over the scenarios of one run."""

    def __init__(self, config: Any, redactor: Redactor) -> None:
        self.config = config
        self.redactor = redactor
        self.exchanges: list[Exchange] = []
        self.ran: dict[str, int] = {}
        self.findings: dict[str, list[Finding]] = {}
        self.extra: dict[str, int] = {}
        self.errors: list[str] = []
        self.fuzz_orders = "missing_test_data" in [
            w.value for w in config.projects.get_default().warnings.fail_on
        ]

    def bind(self, schema: Any) -> None:
        """Attach the loaded schema (the warning logic looks operations up in it)."""
        from schemathesis.cli.commands.run.warnings import WarningCollector

        self.lookup = _Lookup(schema)
        self.warnings = WarningCollector(schema.config)

    def scenario(self, event: Any) -> int:
        """Take in one finished scenario; returns its number of cases."""
        # Only `find_operation` of the CLI context is read; the lookup provides it.
        self.warnings.on_scenario_finished(self.lookup, event)  # type: ignore[arg-type]
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

    def _failure(self, recorder: Any, case_id: str, name: str, failure: Any, source: str) -> None:
        from conformance.fuzzing import narrow

        interaction = recorder.interactions.get(failure.case_id or case_id)
        exchange = to_exchange(interaction, source) if interaction is not None else None
        found = self.findings.setdefault(name, [])
        title = self.redactor.text(f"{failure.title} ({source})")
        if len(found) >= MAX_FINDINGS_PER_CHECK or any(f.title == title for f in found):
            self.extra[name] = self.extra.get(name, 0) + 1
            return
        found.append(
            Finding(
                narrow(name, exchange.status if exchange else None),
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
        """One CheckResult per Schemathesis check and per fatal warning."""
        results = []
        if self.errors:
            requirements = tuple(sorted({r for ids in checks.values() for r in ids}))
            reason = self.redactor.text("; ".join(self.errors))[:1000]
            return [
                CheckResult(FUZZ, requirements, Status.ERROR, reason=reason, duration_s=duration_s)
            ]
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
                    cases=self.ran.get(name, 0),
                )
            )
        results += self._warnings(warnings)
        return results

    def _warnings(self, warnings: dict[str, tuple[str, ...]]) -> list[CheckResult]:
        results = []
        auth = self.warnings.fails_on_auth
        codes = sorted(self.warnings.data.missing_auth)
        results.append(
            CheckResult(
                "fuzz:missing_auth",
                warnings["missing_auth"],
                Status.FAIL if auth else Status.PASS,
                (
                    Finding(
                        None,
                        "Generated requests with the configured token were not authenticated",
                        "requests with the configured token to get past authentication",
                        f"{' / '.join(map(str, codes))} for at least 90% of the generated requests",
                    ),
                )
                if auth
                else (),
            )
        )
        if not self.fuzz_orders:
            results.append(
                CheckResult(
                    "fuzz:missing_test_data",
                    warnings["missing_test_data"],
                    Status.SKIP,
                    reason="no fixture order left for fuzzing: no generated request could succeed",
                )
            )
        else:
            missing = self.warnings.fails_on_missing_test_data
            results.append(
                CheckResult(
                    "fuzz:missing_test_data",
                    warnings["missing_test_data"],
                    Status.FAIL if missing else Status.PASS,
                    (
                        Finding(
                            None,
                            "No generated request with a fixture order was accepted",
                            "a 200 for the spec's examples mapped to fixture orders",
                            "only 4xx answers (mostly 404): no 200 body was validated",
                        ),
                    )
                    if missing
                    else (),
                )
            )
        return results

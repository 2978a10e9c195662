"""Traffic for the tests: the active suite's run recorded through `capture-order proxy`'s app."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capture_order.conformance.runner import RunReport
from capture_order.conformance.settings import Settings, resolve
from capture_order.conformance.traffic.front import Front, serving_in_thread
from capture_order.conformance.traffic.proxy import Proxy, Recorder
from capture_order.conformance.traffic.run import TrafficJudge, judge_file
from tests.faults.proxy import running_proxy
from tests.harness import Reference, SuiteRun, loopback_socket, run_suite, url_of

SEED = "7"


@contextmanager
def recording_proxy(upstream: str, record: Path, sock: socket.socket) -> Iterator[Recorder]:
    """`capture-order proxy`'s front in a thread on the bound socket, recording to `record`."""
    recorder = Recorder(TrafficJudge(Settings(base_url="test")), record)
    try:
        proxy = Proxy(upstream, recorder)
        with serving_in_thread(Front(proxy, proxy.close), sock, name="recording-proxy"):
            yield recorder
    finally:
        recorder.close()


@dataclass(frozen=True)
class Recorded:
    """One active run recorded through the proxy, and the verdict on the recording."""

    fault: str | None
    suite: SuiteRun
    record: Path
    fixtures: dict[str, Any]
    fixtures_path: Path
    report: RunReport

    def verdicts(self) -> dict[str, str]:
        """Requirement ID -> verdict of the traffic judgement."""
        return {r.requirement.id: r.status.value for r in self.report.requirements}

    def with_facts(self) -> RunReport:
        """The recording judged again with the fixtures file's facts (`--traffic --fixtures`)."""
        return judge_file(self.record, resolve({"fixtures": str(self.fixtures_path)}, env={}))

    def failures(self, requirement: str) -> list[Any]:
        """The findings the traffic judgement reported for a requirement."""
        found = next(r for r in self.report.requirements if r.requirement.id == requirement)
        return [f for _, f in found.findings]


def record_run(
    reference: Reference, tmp: Path, fault: str | None, *extra: str, orders: int = 20
) -> Recorded:
    """The suite behind `fault` (None: none), recorded by the proxy in front; then judged."""
    name = fault or "clean"
    record = tmp / f"{name}.ndjson"
    with loopback_socket() as outer, loopback_socket() as inner:
        fixtures_path = reference.seed(orders=orders, items=3, base_url=url_of(outer))
        fixtures = json.loads(fixtures_path.read_text(encoding="utf-8"))
        with contextlib.ExitStack() as stack:
            upstream = reference.base_url
            if fault is not None:
                stack.enter_context(running_proxy(upstream, fault, fixtures, inner))
                upstream = url_of(inner)
            stack.enter_context(recording_proxy(upstream, record, outer))
            suite = run_suite(
                "--fixtures", str(fixtures_path), "--seed", SEED, *extra, report_dir=tmp / name
            )
    report = judge_file(record, Settings(base_url=f"traffic {record.name}", seed=0))
    return Recorded(fault, suite, record, fixtures, fixtures_path, report)

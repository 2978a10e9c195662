"""One wording for one state, in the active, the --traffic and the proxy outputs alike.

One active run goes through `capture-order proxy` (a process, as a user runs it) in front of the
reference server; its recording is then judged with `--traffic`. Each output, console and
report.json, is held to the same words: a requirement of skipped cases is SKIP, "not selected"
only under --only/--skip, coverage counted as the score counts, needs that say what was missing.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from tests.harness import PYTHON, ROOT, Reference, free_port, read_report, run_suite

pytestmark = pytest.mark.slow
NOT_SELECTED = "not selected (--only/--skip)"
# `  PASS  CO-AUTH-01  MUST   Unauthenticated requests are rejected: 9/11 cases (2 SKIP)`
REQUIREMENT_LINE = re.compile(r"^  (\w+)\s+(CO-[A-Z]+-\d+)\s+(MUST|SHOULD)\s+.*: (\d+)/(\d+) cases")
SCORE = re.compile(r"(MUST|SHOULD) cases: (?:index \d+/\d+, )?score (\d+)/(\d+) passed")


@dataclass(frozen=True)
class Output:
    """What one mode printed and wrote."""

    mode: str
    stdout: str
    report: dict[str, Any]
    html: str


@dataclass(frozen=True)
class Outputs:
    active: Output
    traffic: Output
    proxy: Output
    recording: Path
    fixtures: Path

    def all(self) -> tuple[Output, ...]:
        return (self.active, self.traffic, self.proxy)


def _proxy(upstream: str, port: int, tmp: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *(PYTHON, "-m", "capture_order", "proxy", "--upstream", upstream),
            *("--listen", f"127.0.0.1:{port}", "--record", str(tmp / "recording.ndjson")),
            *("--report-dir", str(tmp / "proxy"), "--quiet"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the proxy did not start"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def outputs(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    tmp = tmp_path_factory.mktemp("wording")
    port = free_port()
    fixtures = reference.seed(orders=20, items=3, base_url=f"http://127.0.0.1:{port}")
    process = _proxy(reference.base_url, port, tmp)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        suite = run_suite(
            "--fixtures", str(fixtures), "--seed", "7", "--max-examples", "10", report_dir=tmp / "a"
        )
    finally:
        process.send_signal(signal.SIGINT)
        proxy_out, proxy_err = process.communicate(timeout=60)
    assert suite.report is not None and suite.returncode == 0, suite.stdout + suite.stderr
    assert process.returncode == 0, proxy_out + proxy_err
    judged = subprocess.run(
        [
            *(PYTHON, "-m", "capture_order", "conformance"),
            *("--traffic", str(tmp / "recording.ndjson"), "--report-dir", str(tmp / "t")),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert judged.returncode == 0, judged.stdout + judged.stderr
    output = {
        mode: Output(mode, stdout, read_report(tmp / d / "report.json"), _html(tmp / d))
        for mode, stdout, d in (
            ("active", suite.stdout, "a"),
            ("traffic", judged.stdout, "t"),
            ("proxy", proxy_out, "proxy"),
        )
    }
    return Outputs(
        output["active"], output["traffic"], output["proxy"], tmp / "recording.ndjson", fixtures
    )


def _html(directory: Path) -> str:
    return (directory / "report.html").read_text(encoding="utf-8")


def test_a_requirement_with_every_case_skipped_is_skip_never_pass(outputs: Outputs) -> None:
    for output in outputs.all():
        lines = [m for line in output.stdout.splitlines() if (m := REQUIREMENT_LINE.match(line))]
        assert len(lines) == len(output.report["requirements"]), output.mode
        for status, rid, _level, passed, _total in (m.groups() for m in lines):
            assert not (status == "PASS" and passed == "0"), (output.mode, rid)
        for requirement in output.report["requirements"]:
            statuses = {c["status"] for c in requirement["cases"] if c["observable"]}
            if requirement["status"] == "PASS":
                assert "PASS" in statuses, (output.mode, requirement["id"])
            if statuses == {"SKIP"}:
                assert requirement["status"] == "SKIP", (output.mode, requirement["id"])


def test_not_selected_is_said_only_under_only_or_skip(
    outputs: Outputs, reference: Reference, tmp_path: Path
) -> None:
    for output in outputs.all():
        assert NOT_SELECTED not in output.stdout, output.mode
        reasons = [c["reason"] for r in output.report["requirements"] for c in [r, *r["cases"]]]
        assert NOT_SELECTED not in reasons, output.mode
    fixtures = reference.seed(orders=2, items=2)
    only = run_suite("--fixtures", str(fixtures), "--only", "CO-AUTH-01", report_dir=tmp_path)
    assert only.report is not None
    others = [r for r in only.report["requirements"] if r["id"] != "CO-AUTH-01"]
    assert {r["reason"] for r in others if r["status"] == "SKIP"} == {NOT_SELECTED}


def test_coverage_and_score_count_the_same_cases(outputs: Outputs) -> None:
    for output in (outputs.traffic, outputs.proxy):
        scores = {s["level"]: s for s in output.report["scores"]}
        cases = output.report["traffic"]["cases"]
        assert set(cases) == set(scores), output.mode
        printed = {level: (int(p), int(t)) for level, p, t in SCORE.findall(output.stdout)}
        for level, counted in cases.items():
            assert counted["of"] == scores[level]["cases"] == printed[level][1], output.mode
            assert counted["covered"] >= scores[level]["cases_passed"] == printed[level][0]
            assert f"{level} cases {counted['covered']}/{counted['of']}" in output.stdout
            assert f"{level} cases {counted['covered']}/{counted['of']} exercised" in output.html
        covered = output.report["traffic"]["covered"]
        assert covered == sum(1 for r in output.report["requirements"] if r["status"] != "SKIP")
        assert f"({covered} of {len(output.report['requirements'])} requirements)" in output.stdout
    for output in outputs.all():
        assert "requirements exercised by the traffic;" not in output.stdout, output.mode


def _case(output: Output, ref: str) -> dict[str, Any]:
    return next(c for r in output.report["requirements"] for c in r["cases"] if c["id"] == ref)


def _not_found(number: str) -> Exchange:
    body = (
        '{"type":"/problems/order-not-found","title":"Order not found","status":404,'
        '"detail":"No order with this number.","code":"order_not_found"}'
    )
    return Exchange(
        method="POST",
        url="http://127.0.0.1:1/api/v1/capture-order/",
        request_headers=(
            ("Content-Type", "application/json"),
            ("Authorization", "Token " + "5e" * 20),
        ),
        request_body=json.dumps({"order": number}).encode(),
        status=404,
        response_headers=(("Content-Type", "application/problem+json"),),
        response_body=body.encode(),
        elapsed_ms=1.0,
        source="traffic",
    )


def test_a_traffic_need_names_what_that_traffic_lacked(outputs: Outputs) -> None:
    # Three 404 order_not_found answers, but nothing says whose orders they were.
    numbers = ["CO-ŞİĞ-0001", "CO-0002", "CO-ÇÖÜ-0003"]
    report = judge_exchanges([_not_found(n) for n in numbers], Settings(base_url="t", seed=0))
    outcome = next(
        c for r in report.requirements for c in r.cases if c.ref == "CO-OLA-01/foreign-order-404"
    )
    assert outcome.status.value == "SKIP"
    assert "another channel's" in outcome.reason and "--fixtures" in outcome.reason
    assert "order_not_found" not in outcome.reason
    # The recorded runs say the same whenever they could not judge it.
    for output in (outputs.traffic, outputs.proxy):
        case = _case(output, "CO-OLA-01/foreign-order-404")
        if case["status"] == "SKIP":
            assert "another channel's" in case["reason"], output.mode


def test_traffic_with_fixtures_knows_their_facts_and_certify_fails_an_incomplete_verdict(
    outputs: Outputs, tmp_path: Path
) -> None:
    done = subprocess.run(
        [
            *(PYTHON, "-m", "capture_order", "conformance", "--traffic", str(outputs.recording)),
            *("--fixtures", str(outputs.fixtures), "--profile", "certify"),
            *("--report-dir", str(tmp_path)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = read_report(tmp_path / "report.json")
    assert report["verdict"] == "INCOMPLETE" and done.returncode == 1, done.stdout + done.stderr
    with_facts = report["traffic"]["cases"]["MUST"]["covered"]
    assert with_facts > outputs.traffic.report["traffic"]["cases"]["MUST"]["covered"]
    cases = {c["id"]: c["status"] for r in report["requirements"] for c in r["cases"]}
    assert cases["CO-CAP-09/status-as-before"] == "PASS"  # a fact: the status before capture


def test_proxy_help_promises_only_the_exit_codes_traffic_reaches() -> None:
    done = subprocess.run(
        [PYTHON, "-m", "capture_order", "proxy", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "0 conformant" not in text
    assert "never CONFORMANT" in text
    assert "1 not conformant" in text and "2 could not run" in text

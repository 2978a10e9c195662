"""The preflight knows the setup: a setup mistake is ERROR (exit 2, one line), never a FAIL.

Each test runs the suite as a user would (`python -m capture_order.conformance`) against the
reference server on its own SQLite file, with fixtures seeded the way `capture-order seed` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from capture_order.conformance import scenarios as _scenarios  # noqa: F401  (registers them)
from capture_order.conformance.context import UNKNOWN_PK
from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.fuzz_cases import NEED_TOKEN as FUZZ_NEED_TOKEN
from capture_order.conformance.guard import UNKNOWN_PK_FLOOR
from capture_order.conformance.preflight import Findings, absent_pk, advice, probe_body
from capture_order.conformance.registry import SCENARIOS
from capture_order.conformance.settings import Settings
from tests.faults.proxy import FaultProxy
from tests.faults.registry import Fault, FaultContext, Message
from tests.harness import Reference, SuiteRun, loopback_socket, reference_server, run_suite, serving

QUICK = ("--skip", "schema_fuzzing", "--seed", "7")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    with reference_server(tmp_path_factory.mktemp("setup-aware")) as ref:
        yield ref


def _cannot_run(run: SuiteRun) -> str:
    """The one line of a run that could not be carried out; asserts it is ERROR with exit 2."""
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("capture-order conformance: cannot run: ")
    assert "Verdict:" not in run.stdout
    assert "FAIL" not in run.stdout
    assert run.report is not None
    assert run.report["verdict"] == "ERROR"
    assert run.report["exit_code"] == 2
    assert not [r for r in run.report["requirements"] if r["status"] == "FAIL"]
    return lines[0]


def test_a_second_run_on_the_same_fixtures_says_they_were_captured(
    reference: Reference, tmp_path: Path
) -> None:
    fixtures = reference.seed(orders=4, items=3)
    first = run_suite("--fixtures", str(fixtures), *QUICK, report_dir=tmp_path / "first")
    assert first.returncode in (0, 1), first.stderr
    assert "cannot run" not in first.stderr
    second = run_suite("--fixtures", str(fixtures), *QUICK, report_dir=tmp_path / "second")
    line = _cannot_run(second)
    data = json.loads(fixtures.read_text(encoding="utf-8"))
    asked = len(data["orders"]) + len(data["foreign_orders"]) + len(data["uncapturable_orders"])
    assert f"of {asked} fixture orders were captured already" in line
    assert "a fixtures file serves one run" in line
    assert "capture-order seed" in line and "--fixtures" in line
    assert data["orders"][0]["number"] in line
    assert second.report is not None
    assert second.report["error"] == line.removeprefix("capture-order conformance: cannot run: ")
    # Only the orders a run will use are asked: a selection that captures none still runs.
    alone = run_suite("--fixtures", str(fixtures), "--only", "CO-REQ-10", report_dir=tmp_path / "3")
    assert alone.returncode == 0 and alone.stderr == "", alone.stdout + alone.stderr
    assert alone.verdicts()["CO-REQ-10"] == "PASS"


def test_fixture_orders_of_another_database_are_not_found_with_their_token(
    reference: Reference, tmp_path: Path
) -> None:
    data = json.loads(reference.seed(orders=2, items=2).read_text(encoding="utf-8"))
    data["orders"][1]["number"] = f"{data['orders'][1]['number']}-ÇÖÜ-elsewhere"
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    line = _cannot_run(run_suite("--fixtures", str(path), *QUICK, report_dir=tmp_path / "r"))
    assert "fixture orders was not found with their channel's token" in line
    assert data["orders"][1]["number"] in line
    assert data["orders"][0]["number"] not in line


def test_a_wrong_foreign_token_is_a_setup_error_like_a_wrong_token(
    reference: Reference, tmp_path: Path
) -> None:
    data = json.loads(reference.seed(orders=3, items=2).read_text(encoding="utf-8"))
    data["foreign_token"] = "Token " + "0f" * 20
    path = tmp_path / "wrong-foreign.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    line = _cannot_run(run_suite("--fixtures", str(path), *QUICK, report_dir=tmp_path / "r"))
    assert "the foreign token is refused" in line
    assert "--foreign-token" in line
    assert "0f" * 20 not in line
    # Nothing was consumed: the same orders run with the right foreign token.
    data["foreign_token"] = json.loads(reference.seed(orders=1).read_text())["foreign_token"]
    data["foreign_orders"] = []
    path.write_text(json.dumps(data), encoding="utf-8")
    again = run_suite("--fixtures", str(path), *QUICK, report_dir=tmp_path / "again")
    assert again.returncode in (0, 1) and "cannot run" not in again.stderr, again.stderr


def test_without_any_token_the_run_is_incomplete_never_not_conformant(
    reference: Reference, tmp_path: Path
) -> None:
    run = run_suite("--base-url", reference.base_url, "--seed", "3", report_dir=tmp_path / "r")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr == ""
    assert run.report is not None
    assert run.report["verdict"] == "INCOMPLETE"
    assert not [r["id"] for r in run.report["requirements"] if r["status"] == "FAIL"]
    assert "Verdict: NO FAILURES, BUT INCOMPLETE" in run.stdout
    needing = {e.name for e in SCENARIOS if e.needs.token}
    reasons = {c["name"]: c["reason"] for c in run.report["checks"] if c["name"] in needing}
    assert set(reasons) == needing
    assert all(reason.startswith("no --token given") for reason in reasons.values()), reasons
    cases = {c["id"]: c for r in run.report["requirements"] for c in r["cases"]}
    for ref in FUZZ_NEED_TOKEN:  # fuzzing ran, but only a valid token reaches these cases
        assert cases[ref]["status"] == "SKIP" and "no --token given" in cases[ref]["reason"]
    assert cases["CO-AUTH-01/generated-without-token"]["status"] == "PASS"
    header = run.stdout.split("\nRequirements\n", 1)[0]
    assert header.count("no --token given") == 1, header  # one grouped line, no SKIP lines
    # The order states are not asked: nothing but the reachability request and the fuzzer.
    assert run.report["ledger"]["orders"] == []


async def _answers_500_to_unknown_items(_ctx: FaultContext, request: Message) -> Message | None:
    body = request.json()
    items = body.get("order_items") if isinstance(body, dict) else None
    pks = [i.get("pk") for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    if any(isinstance(pk, int) and pk >= UNKNOWN_PK_FLOOR for pk in pks):
        headers = [("content-type", "text/plain")]
        return Message(status=500, headers=headers, body=b"Internal Server Error")
    return None


CRASH_ON_UNKNOWN_ITEM = Fault(
    "crash_on_unknown_item",
    "errors",
    "answers 500 to a capture listing an item no order has",
    ("CO-ERR-03",),
    on_request=_answers_500_to_unknown_items,
)


def test_a_500_in_the_preflight_is_judged_not_turned_into_a_setup_error(
    reference: Reference, tmp_path: Path
) -> None:
    path = reference.seed(orders=20, items=3)
    fixtures: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    with (
        loopback_socket() as sock,
        serving(FaultProxy(reference.base_url, CRASH_ON_UNKNOWN_ITEM, fixtures), sock) as url,
    ):
        run = run_suite("--fixtures", str(path), "--base-url", url, *QUICK, report_dir=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "cannot run" not in run.stderr
    assert run.verdicts()["CO-ERR-03"] == "FAIL"
    assert "Verdict: NOT CONFORMANT" in run.stdout


def test_the_probe_lists_a_pk_no_fixture_order_has() -> None:
    orders = (FixtureOrder("CO-ŞİĞ-1", (UNKNOWN_PK, UNKNOWN_PK + 1, 2**63 - 1)),)
    settings = Settings(base_url="http://127.0.0.1:1", seed=1, orders=orders)
    pk = absent_pk(settings)
    assert pk >= UNKNOWN_PK_FLOOR and pk not in orders[0].items
    assert json.loads(probe_body("CO-ŞİĞ-1", pk)) == {
        "order": "CO-ŞİĞ-1",
        "order_items": [{"pk": pk}],
    }


def test_orders_not_found_are_named_before_captured_ones() -> None:
    line = advice(Findings(5, captured=["CO-1"], not_found=["CO-2", "CO-3"]), "http://h")
    assert line is not None and line.startswith("2 of 5 fixture orders were not found")
    assert advice(Findings(5), "http://h") is None

"""A file judged by two processes (each running half of the checks) gets one process's verdicts."""

from __future__ import annotations

import itertools
import multiprocessing
from pathlib import Path

import pytest

from conformance.settings import Settings
from conformance.traffic.errors import TrafficError
from conformance.traffic.run import judge_file
from conformance.verdict import CheckResult, Status
from tests.traffic.samples import example
from tests.traffic.synthetic import CHANNELS, _line, sessions

LEAKED = {"type": "/problems/internal", "title": "Traceback (most recent call last): boom"}


def _faulty(path: Path) -> Path:
    """Conformant sessions, then a 500 with a stack trace and a second 200 for one order."""
    order = {**example("OrderFullyCaptured"), "number": "CO-000000001"}
    auth = ["authorization", CHANNELS[1]]
    lines = [
        *itertools.islice(sessions(), 600),
        _line({"order": "CO-000000001"}, [auth], 200, order, []),
        _line({"order": "CO-000000002"}, [auth], 500, LEAKED, []),
        *itertools.islice(sessions(), 600, 900),
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _verdicts(results: list[CheckResult]) -> list[tuple[object, ...]]:
    return [
        (r.name, r.status, r.requirements, tuple(f.title for f in r.findings), r.reason)
        for r in results
    ]


def test_two_judging_processes_give_the_verdicts_of_one(tmp_path: Path) -> None:
    path = _faulty(tmp_path / "faulty.ndjson")
    settings = Settings(base_url="traffic", seed=0)
    one = judge_file(path, settings, processes=1)
    two = judge_file(path, settings, processes=2)
    assert _verdicts(two.results) == _verdicts(one.results)
    assert [(r.requirement.id, r.status) for r in two.requirements] == [
        (r.requirement.id, r.status) for r in one.requirements
    ]
    failed = {r.name for r in two.results if r.status == Status.FAIL}
    # Each half found something: a sweep (first half) and an order rule (second half).
    assert "responses_leak_nothing" in failed and "orders_are_captured_once" in failed, failed
    assert two.traffic is not None and one.traffic is not None
    assert two.traffic["judged"] == one.traffic["judged"] == 902


def test_a_bad_line_stops_both_processes_with_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    good = "".join(itertools.islice(sessions(), 50))
    path.write_text(good + "{not json\n" + good, encoding="utf-8")
    with pytest.raises(TrafficError, match="line 51: not valid JSON"):
        judge_file(path, Settings(base_url="traffic", seed=0), processes=2)
    assert not multiprocessing.active_children()

"""A file judged by two processes (each running half of the checks) gets one process's verdicts."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from capture_order.conformance.http import Exchange
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic import run
from capture_order.conformance.traffic.errors import ReadStats, TrafficError
from capture_order.conformance.traffic.run import judge_file
from capture_order.conformance.traffic.source import read_traffic
from capture_order.conformance.verdict import CheckResult, Status
from tests.harness import ROOT
from tests.traffic.samples import example
from tests.traffic.synthetic import CHANNELS, _line, sessions, write

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


FORKED_RUN = """
import sys, threading
from pathlib import Path
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_file
from capture_order.conformance.traffic.source import read_traffic
assert threading.active_count() == 1  # so the second process is forked, not spawned
path, settings = Path(sys.argv[1]), Settings(base_url="traffic", seed=0)
for processes in (1, 2):
    report = judge_file(path, settings, processes=processes)
    print(sorted((r.name, r.status.value, len(r.findings)) for r in report.results))
"""


def test_a_forked_second_process_gives_the_verdicts_of_one(tmp_path: Path) -> None:
    # A command-line run has no other thread: its second process is forked from it.
    path = _faulty(tmp_path / "faulty.ndjson")
    done = subprocess.run(
        [sys.executable, "-c", FORKED_RUN, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    one, two = done.stdout.splitlines()
    assert one == two
    assert "('responses_leak_nothing', 'FAIL', 1)" in two, two


def test_a_bad_line_stops_both_processes_with_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    good = "".join(itertools.islice(sessions(), 50))
    path.write_text(good + "{not json\n" + good, encoding="utf-8")
    with pytest.raises(TrafficError, match="line 51: not valid JSON"):
        judge_file(path, Settings(base_url="traffic", seed=0), processes=2)
    assert not multiprocessing.active_children()


@pytest.mark.slow
def test_ctrl_c_stops_both_judging_processes_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "long.ndjson"
    write(path, 60)  # several seconds of judging on any machine of this kind
    judging = subprocess.Popen(
        [sys.executable, "-m", "capture_order", "conformance", "--traffic", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    assert judging.stdout is not None
    assert b"judging recorded traffic" in judging.stdout.readline()
    time.sleep(1.0)
    assert judging.poll() is None, "judged before it could be interrupted"
    os.killpg(judging.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
    _, err = judging.communicate(timeout=60)
    assert judging.returncode == 130
    assert err.decode() == "capture-order conformance: interrupted\n"
    # Nothing of the group is left (multiprocessing's resource tracker leaves once it sees EOF).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(judging.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.killpg(judging.pid, 0)


def test_a_lock_held_by_another_thread_does_not_hang_the_second_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forked child would inherit this lock held, by a thread that the child does not have,
    # and wait for it forever where judging takes it: the second process must be spawned (a
    # fresh interpreter, which neither holds the lock nor reads through this patch).
    lock = threading.Lock()
    reader = read_traffic

    def read_when_free(path: Path, stats: ReadStats) -> Iterator[Exchange]:
        with lock:
            pass
        return reader(path, stats)

    monkeypatch.setattr(run, "read_traffic", read_when_free)
    path = _faulty(tmp_path / "faulty.ndjson")
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            done.wait(timeout=2)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    reports = []
    judging = threading.Thread(
        target=lambda: reports.append(judge_file(path, Settings(base_url="t"), processes=2)),
        daemon=True,  # a hung judge must not hang the test run too
    )
    judging.start()
    time.sleep(0.5)
    done.set()
    judging.join(timeout=120)
    holder.join()
    assert not judging.is_alive(), "the second judging process hangs"
    assert reports and reports[0].traffic is not None and reports[0].traffic["judged"] == 902


def test_judging_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    # Judging freezes the heap and widens the first generation; a caller's interpreter (tests,
    # the proxy's in-process use) gets its own settings back, and its objects collectable.
    path = _faulty(tmp_path / "faulty.ndjson")
    before = gc.get_threshold()
    judge_file(path, Settings(base_url="t"), processes=1)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

"""A verdict from recorded traffic: read the file, judge every exchange, verdict per requirement."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.judge_engine import HALVES, RuleJudge
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.conformance.registry import selected
from capture_order.conformance.runner import RunReport, catalogue
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.channels import TokenBook
from capture_order.conformance.traffic.errors import ReadStats, TrafficError
from capture_order.conformance.traffic.source import read_traffic
from capture_order.conformance.verdict import (
    CheckResult,
    Status,
    overall,
    requirement_verdict,
    scores,
)


class TrafficJudge:
    """The stream judge with the token book that names channels and redacts credentials.

    `half`: only that half of the checks (`RuleJudge`), for one process of a split judge.
    """

    def __init__(self, settings: Settings, half: int | None = None) -> None:
        self.book = TokenBook()
        self.settings = settings
        self.judge = RuleJudge(
            self.book.redactor,
            self.book.secrets,
            lambda name, ids: selected(name, ids, settings.only, settings.skip),
            facts_of(settings),
            half,
        )

    def feed(self, exchange: Exchange) -> None:
        """Judge one exchange (its token learnt first)."""
        self.book.learn(exchange.request_header("Authorization"))
        self.judge.feed(exchange)

    def found(self) -> int:
        """The findings so far (for live summaries)."""
        return self.judge.found()

    def report(
        self,
        started: float,
        stats: ReadStats,
        source: str,
        results: list[CheckResult] | None = None,
    ) -> RunReport:
        """The run report: verdicts per requirement and what the traffic covered.

        `results`: the judge's verdicts when it judged elsewhere (the proxy's judging process).
        """
        settings = self.settings
        report = RunReport(settings, datetime.now(UTC).isoformat(timespec="seconds"))
        results = list(results) if results is not None else self.judge.results()
        report.results = results
        report.requirements = [
            requirement_verdict(
                r, results, selected=selected(r.id, (r.id,), settings.only, settings.skip)
            )
            for r in catalogue(settings)
        ]
        report.verdict = overall(report.requirements)
        report.duration_s = time.perf_counter() - started
        report.traffic = summary(stats, report, source)
        return report


def facts_of(settings: Settings) -> Facts:
    """What a fixtures file given with the traffic says of its orders and tokens."""
    facts = Facts()
    facts.add_fixtures(
        settings.token,
        settings.orders,
        settings.foreign_token,
        settings.foreign_orders,
        settings.uncapturable_orders,
    )
    return facts


def summary(stats: ReadStats, report: RunReport, source: str) -> dict[str, Any]:
    """What was read and how much of the catalogue it exercised (report.json `traffic`)."""
    judged = [r for r in report.requirements if r.status != Status.SKIP]
    # Counted as the score counts: observable cases, per level.
    cases = {
        score.level: {
            "covered": sum(
                1
                for r in report.requirements
                if r.requirement.level == score.level
                for c in r.cases
                if c.observable and c.status != Status.SKIP
            ),
            "of": score.cases,
        }
        for score in scores(report.requirements)
    }
    return {
        "source": source,
        "format": stats.format,
        "exchanges": stats.read,
        "judged": stats.judged,
        "skipped": dict(stats.skipped),
        "truncated_last_line": stats.truncated,
        "masked_headers": stats.masked,
        "covered": len(judged),
        "catalogue": len(report.requirements),
        "cases": cases,
        # A proxy runs as long as it is left running: its rate says nothing about judging.
        "per_second": round(stats.judged / report.duration_s)
        if report.duration_s and stats.format != "proxy"
        else None,
    }


# Below this size a second judging process costs more to start (a fresh interpreter reading
# the spec) than it saves.
SPLIT_FROM_BYTES = 16_000_000


def judging_processes(path: Path) -> int:
    """Processes for judging the file: both halves apart for a large file on two cores, else one."""
    large = path.stat().st_size >= SPLIT_FROM_BYTES if path.is_file() else False
    return min(HALVES, len(os.sched_getaffinity(0))) if large else 1


def judge_file(
    path: Path,
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
) -> RunReport:
    """Judge a traffic file; TrafficError when it cannot be read or holds no exchange.

    With two processes (the default for a large file on two cores or more), a second one reads
    the file too and runs the second half of the checks; this one runs the first and merges the
    verdicts. The second is forked when this process runs no other thread: it starts at once,
    with the spec and the compiled schemas already loaded. Otherwise it is spawned, because a
    fork copies the locks that other threads hold (a caller's threads), and the copy would wait
    on them forever.
    """
    started = time.perf_counter()
    if (processes or judging_processes(path)) < 2:
        judge, stats = _judge_half(path, settings, None, progress)
        return judge.report(started, stats, str(path))
    alone = threading.active_count() == 1
    context = multiprocessing.get_context("fork") if alone else multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    findings = context.Value("q", 0, lock=False)  # one writer; a progress line reads it
    child = context.Process(target=_second_half, args=(path, settings, send, findings), daemon=True)
    with _sigint_ignored():  # inherited: Ctrl-C stops this process, which stops the child
        child.start()
    send.close()
    try:

        def both(judged: int, mine: int) -> None:
            if progress is not None:
                progress(judged, mine + findings.value)

        judge, stats = _judge_half(path, settings, 0, both)
        other = receive.recv()
    finally:
        if child.is_alive():
            child.kill()  # this half failed (a TrafficError): the other has nothing to add
        child.join()
    if not isinstance(other, list):  # the child failed where this half did not: say so, briefly
        raise TrafficError(f"{path}: the second judging process failed: {other}")
    return judge.report(started, stats, str(path), results=judge.judge.results() + other)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    # Only the main thread may set handlers; elsewhere the child starts with Python's own.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# Allocations between young collections while judging (Python's default is 700).
YOUNG_COLLECTION_EVERY = 20_000


@contextlib.contextmanager
def collector_for_a_stream(restore: bool = True) -> Iterator[None]:
    """The collector tuned for judging, then (`restore`) as it was.

    Judging allocates a few short-lived objects per exchange beside a heap that only grows (the
    spec, the compiled schemas, the rules' bounded state): with Python's defaults the collector
    walks that heap again and again and finds nothing. Frozen, with a larger first generation,
    the second judging process spent 10 % less CPU on the 40 MB file, the first 5 % less.
    Restoring costs the collection the wider generations put off (about 70 ms on that file):
    the second judging process and the proxy's judging process, which exit next, do without.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *thresholds[1:])
    try:
        yield
    finally:
        if restore:
            gc.set_threshold(*thresholds)
            gc.unfreeze()


def _judge_half(
    path: Path,
    settings: Settings,
    half: int | None,
    progress: Callable[[int, int], None] | None = None,
    restore_collector: bool = True,
) -> tuple[TrafficJudge, ReadStats]:
    stats = ReadStats()
    judge = TrafficJudge(settings, half)
    with collector_for_a_stream(restore_collector):
        for exchange in read_traffic(path, stats):
            judge.feed(exchange)
            if progress is not None and stats.judged % 10_000 == 0:
                progress(stats.judged, judge.found())
    if not stats.judged:
        skipped = ", ".join(f"{n} {why}" for why, n in stats.skipped.items()) or "none at all"
        raise TrafficError(f"{path}: no exchange of the capture-order operation ({skipped})")
    return judge, stats


def _second_half(path: Path, settings: Settings, send: Connection, findings: Any) -> None:
    """The second process: judge the file with the second half; send its verdicts (or why not)."""

    def count(_judged: int, found: int) -> None:
        findings.value = found

    # Ctrl-C reaches the whole process group: the parent stops, and stops this child.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        judge, _stats = _judge_half(path, settings, 1, count, restore_collector=False)
        send.send(judge.judge.results())
    except Exception as exc:  # the parent reads the same file: a TrafficError is its own too
        send.send(str(exc) or type(exc).__name__)
    finally:
        send.close()


def judge_exchanges(exchanges: Iterable[Exchange], settings: Settings) -> RunReport:
    """Judge exchanges already in memory (tests, the proxy's in-process use)."""
    started = time.perf_counter()
    stats = ReadStats(format="memory")
    judge = TrafficJudge(settings)
    for exchange in exchanges:
        stats.read += 1
        stats.judged += 1
        judge.feed(exchange)
    return judge.report(started, stats, "memory")

"""What a round cost: the server's peak resident memory and CPU time (over its worker
processes), PostgreSQL's CPU time and how busy the machine's cores were."""

from __future__ import annotations

import os
import threading
from pathlib import Path

PAGE_KIB = 4


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return found


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending += _children(current)
    return found


def _cpu_s(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants (threads included)."""
    total = 0.0
    for current in _tree(pid):
        try:
            total += _cpu_s(Path(f"/proc/{current}/stat").read_text())
        except OSError:
            continue
    return total


def postgres_cpu_s() -> float:
    """User + system CPU seconds of every PostgreSQL process on the machine (0 without any).

    The benchmark's PostgreSQL serves only the benchmark while it runs: its backends' CPU is
    the database's share of a capture, which the server's own processes do not show.
    """
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            total += _cpu_s(text)
    return total


def machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot, from /proc/stat (idle and iowait idle)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


def tree_rss_kib(pid: int) -> int:
    """The summed VmRSS of a process and all its descendants, in KiB (0 when gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        pending += _children(current)
    return total


class PeakSampler:
    """Samples the tree's RSS every `interval` seconds in a thread; `peak` is the highest.

    Over the same span: `cpu_s` of the server's processes, `database_cpu_s` of PostgreSQL's and
    `busy`, the fraction of the machine's cores that were busy (wrk's share included).
    """

    def __init__(self, pids: list[int], interval: float = 0.1) -> None:
        self.pids = pids
        self.interval = interval
        self.peak = 0
        self.cpu_s = 0.0
        self.database_cpu_s = 0.0
        self.busy = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(tree_rss_kib(p) for p in self.pids))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._cpu_before = sum(tree_cpu_s(p) for p in self.pids)
        self._database_before = postgres_cpu_s()
        self._ticks_before = machine_ticks()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu_s = sum(tree_cpu_s(p) for p in self.pids) - self._cpu_before
        self.database_cpu_s = postgres_cpu_s() - self._database_before
        busy, ticks = machine_ticks()
        self.busy = (busy - self._ticks_before[0]) / max(1, ticks - self._ticks_before[1])

"""A server's peak resident memory and its CPU time, over its worker processes, during a round."""

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


def tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants (threads included)."""
    total = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


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
    """Samples the tree's RSS every `interval` seconds in a thread; `peak` is the highest."""

    def __init__(self, pids: list[int], interval: float = 0.1) -> None:
        self.pids = pids
        self.interval = interval
        self.peak = 0
        self.cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(tree_rss_kib(p) for p in self.pids))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._cpu_before = sum(tree_cpu_s(p) for p in self.pids)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu_s = sum(tree_cpu_s(p) for p in self.pids) - self._cpu_before

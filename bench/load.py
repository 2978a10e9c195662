"""Driving a server with wrk: every request a capture of a fresh order; the figures it reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("capture.lua")
THREADS = 2  # one wrk thread per core of the machine kind


class LoadError(RuntimeError):
    """wrk is missing or did not report."""


@dataclass(frozen=True)
class LoadResult:
    """What one wrk round measured."""

    requests: int
    duration_s: float
    non2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        """Completed requests per second."""
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def errors(self) -> int:
        """Non-2xx answers and socket errors."""
        return self.non2xx + self.socket_errors


def wrk_binary() -> str:
    """The wrk executable (Debian's package `wrk`)."""
    found = shutil.which("wrk")
    if found is None:
        raise LoadError(
            "wrk not found: install it with `apt-get install -y wrk` "
            "(or `make bench INSTALL_WRK=1`)"
        )
    return found


def drive(
    url: str,
    token: str,
    orders_file: Path,
    *,
    connections: int,
    seconds: float,
    hosts: list[str] | None = None,
    path: str = "/api/v1/capture-order/",
) -> LoadResult:
    """Run wrk against `url` for `seconds` with `connections`; parse the script's summary."""
    env = {
        **os.environ,
        "BENCH_ORDERS": str(orders_file),
        "BENCH_TOKEN": token,
        "BENCH_THREADS": str(THREADS),
        "BENCH_HOSTS": ",".join(hosts or []),
        "BENCH_PATH": path,
    }
    command = [
        wrk_binary(),
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        url,
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise LoadError(f"wrk failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    return LoadResult(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        non2xx=data["non2xx"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )

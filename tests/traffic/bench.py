"""`python -m tests.traffic.bench [MEGABYTES]`: judge a large NDJSON file; rate and peak RSS.

Prints exchanges per second and the judging process's peak resident memory (a benchmark: it
asserts nothing). `make bench-traffic` runs it on 200 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.harness import PYTHON, ROOT
from tests.traffic.synthetic import write


def judge(path: Path, report_dir: Path) -> tuple[int, float, int, dict[str, object]]:
    """Run `capture-order conformance --traffic` on the file; (exit, seconds, peak KiB, traffic).

    The peak is that of this one judging process and what it waited for (`os.wait4`), not the
    largest of every child the caller ever had (`RUSAGE_CHILDREN`: in a pytest worker, the
    servers and suite runs of the test files before this one).
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "capture_order",
                "conformance",
                "--traffic",
                str(path),
                "--report-dir",
                str(report_dir),
            ],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return process.returncode, seconds, usage.ru_maxrss, report["traffic"]


def main(megabytes: float) -> int:
    """Make the file, judge it, print the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-traffic-") as tmp:
        path = Path(tmp) / "traffic.ndjson"
        count = write(path, megabytes)
        size = path.stat().st_size / 1_000_000
        code, seconds, peak, traffic = judge(path, Path(tmp) / "report")
    rate = traffic["judged"] / seconds  # type: ignore[operator]
    print(f"file: {size:.0f} MB, {count} exchanges (NDJSON)")
    print(
        f"judged: {traffic['judged']} exchanges in {seconds:.1f} s wall (process start "
        f"included): {rate:,.0f} exchanges/s; the judge's own count: {traffic['per_second']}/s"
    )
    print(f"peak RSS of the judging process: {peak / 1024:.0f} MiB; exit code {code}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 200.0))

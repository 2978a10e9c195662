"""`python -m tests.traffic.bench [MEGABYTES]`: judge a large NDJSON file; rate and peak RSS.

Prints exchanges per second and the judging process's peak resident memory (a benchmark: it
asserts nothing). `make bench-traffic` runs it on 200 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.harness import PYTHON, ROOT
from tests.traffic.synthetic import write

# Runs the command and prints its peak RSS (KiB). The judging process must be a child of a
# small process: a child of the caller starts as a copy of it, and its peak would then be the
# caller's size (a pytest worker that has run many tests: 400 MiB), not the judge's.
PEAK_OF_CHILD = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(done.returncode)"
)


def judge(path: Path, report_dir: Path) -> tuple[int, float, int, dict[str, object]]:
    """Run `capture-order conformance --traffic` on the file; (exit, seconds, peak KiB, traffic)."""
    started = time.perf_counter()
    command = [PYTHON, "-m", "capture_order", "conformance", "--traffic", str(path)]
    done = subprocess.run(
        [PYTHON, "-c", PEAK_OF_CHILD, *command, "--report-dir", str(report_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1])
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return done.returncode, seconds, peak, report["traffic"]


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

"""The second benchmark: the conformance suite against a local reference server, default profile.

`python -m bench.suite`: wall time, requests sent, fuzzed cases per second, from report.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.servers import CONFIGS, start, stop


def main(argv: list[str] | None = None) -> int:
    """Start `capture-order serve` on a fresh SQLite file, seed it, run the suite, print figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__)
    parser.add_argument("--out-dir", type=Path, default=Path("build/bench"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    work = args.out_dir / "suite"
    config = next(c for c in CONFIGS if c.key == "a")
    running = start(config, work, f"{sys.executable} -m capture_order serve", Path("prism"))
    try:
        fixtures = work / "fixtures.json"
        command = [sys.executable, "-m", "capture_order", "seed", "--database"]
        seeded = subprocess.run(
            [*command, running.database_url, "--orders", "20", "--base-url", running.url, "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        fixtures.write_text(seeded.stdout, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "capture_order",
                "conformance",
                "--fixtures",
                str(fixtures),
                "--seed",
                str(args.seed),
                "--report-dir",
                str(work / "report"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
    finally:
        stop(running)
    report = json.loads((work / "report" / "report.json").read_text(encoding="utf-8"))
    counts = report["counts"]
    fuzz_s = counts["fuzz_duration_s"]
    rate = counts["fuzz_cases"] / fuzz_s if fuzz_s else 0.0
    lines = [
        f"conformance suite against capture-order serve (SQLite), seed {args.seed}:",
        f"  verdict {report['verdict']} (exit {done.returncode}), wall {wall:.1f} s "
        f"(the run itself {report['duration_s']:.1f} s)",
        f"  {counts['semantic_requests']} requests of semantic checks, {counts['fuzz_cases']} "
        f"fuzzed cases in {fuzz_s:.1f} s: {rate:.0f} fuzzed cases/s",
    ]
    print("\n".join(lines))
    (args.out_dir / "suite.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

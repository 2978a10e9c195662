"""`python -m bench`: every configuration under the same load, alternating, in one run.

Each configuration gets its own server (or servers) on loopback and its own fresh database. A
short warm-up round measures its rate, which sizes one seeding of fresh capturable orders for all
its rounds; then the rounds alternate over the configurations and connection counts, so that a
noisy machine moves every figure alike and the ratios hold.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.load import LoadError, drive, wrk_binary
from bench.rss import PeakSampler
from bench.servers import CONFIGS, Config, Running, seed, start, stop

PRISM_VERSION = "5.16.0"
SAFETY = 3.0  # seeded orders per expected capture: no round may run out


def _prism(work: Path) -> Path:
    """Prism CLI installed under `work` from the npm registry (only for configuration f)."""
    binary = work / "prism" / "node_modules" / ".bin" / "prism"
    if not binary.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("bench: configuration f needs npm (for Prism)")
        (work / "prism").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"@stoplight/prism-cli@{PRISM_VERSION}",
            ],
            cwd=work / "prism",
            check=True,
        )
    return binary


def _orders_for(
    running: Running, work: Path, rate: float, budget_s: float
) -> tuple[str, list[str]]:
    count = max(2000, min(600_000, int(rate * budget_s * SAFETY)))
    print(f"  seeding {count} fresh orders for {running.config.label}", flush=True)
    path = work / f"{running.config.key}-orders.txt"
    token = seed(running, count, path)
    return token, path.read_text(encoding="utf-8").split()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table and ratios; write the results and the chart."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one 2-second round: a smoke run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per round")
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--configs", default="a,b,c,d,e", help="of a,b,c,d,e,f (f: Prism)")
    parser.add_argument(
        "--serve-command",
        default=f"{sys.executable} -m capture_order serve",
        help="the server command of configurations a, c, d, e (e.g. another checkout's)",
    )
    parser.add_argument("--out-dir", type=Path, default=Path("build/bench"))
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.duration = 1, 2.0
    connections = [int(c) for c in args.connections.split(",")]
    keys = args.configs.split(",")
    chosen: list[Config] = [c for c in CONFIGS if c.key in keys]
    work = args.out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    try:
        wrk_binary()
    except LoadError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    prism = _prism(args.out_dir) if any(c.kind == "prism" for c in chosen) else Path("prism")
    results: dict[tuple[str, int], list[report.Round]] = {}
    started = time.monotonic()
    runs: dict[str, Running] = {}
    orders: dict[str, tuple[str, list[str]]] = {}
    try:
        for config in chosen:
            print(f"starting {config.label}", flush=True)
            running = runs[config.key] = start(config, work, args.serve_command, prism)
            # One second of warm-up, at up to 4,000 captures/s: its rate sizes the real seeding.
            token, numbers = _orders_for(running, work, 4000 / SAFETY, 1.0)
            warm = work / f"{config.key}-warm.txt"
            warm.write_text("\n".join(numbers) + "\n", encoding="utf-8")
            calibration = drive(
                running.url,
                token,
                warm,
                connections=16,
                seconds=1,
                hosts=running.hosts,
                path=running.path,
            )
            print(f"  warm-up: {calibration.rate:.0f} captures/s", flush=True)
            budget = args.duration * args.rounds * len(connections)
            orders[config.key] = _orders_for(running, work, calibration.rate, budget)
        slots = args.rounds * len(connections)
        for round_no in range(1, args.rounds + 1):
            for index, conns in enumerate(connections):
                slot = (round_no - 1) * len(connections) + index
                for config in chosen:
                    running = runs[config.key]
                    token, numbers = orders[config.key]
                    size = len(numbers) // slots
                    share = numbers[slot * size : (slot + 1) * size]
                    path = work / f"{config.key}-round.txt"
                    path.write_text("\n".join(share) + "\n", encoding="utf-8")
                    print(
                        f"round {round_no}/{args.rounds} · {conns} connections · {config.label}",
                        flush=True,
                    )
                    with PeakSampler(running.pids) as rss:
                        result = drive(
                            running.url,
                            token,
                            path,
                            connections=conns,
                            seconds=args.duration,
                            hosts=running.hosts,
                            path=running.path,
                        )
                    if result.requests > len(share):
                        print(
                            f"  warning: {result.requests} requests for {len(share)} orders",
                            flush=True,
                        )
                    print(
                        f"  {result.rate:.0f} captures/s, p50 {result.p50_ms:.1f} ms, "
                        f"p99 {result.p99_ms:.1f} ms, {result.errors} errors, "
                        f"{rss.peak / 1024:.0f} MiB, "
                        f"{rss.cpu_s / max(1, result.requests) * 1e3:.2f} ms server CPU each, "
                        f"{rss.database_cpu_s / max(1, result.requests) * 1e3:.2f} ms "
                        f"PostgreSQL's, cores {rss.busy:.0%} busy",
                        flush=True,
                    )
                    results.setdefault((config.key, conns), []).append(
                        report.Round(result, rss.peak, rss.cpu_s, rss.database_cpu_s, rss.busy)
                    )
    finally:
        for running in runs.values():
            stop(running)
    table = report.summarise(chosen, connections, results)
    print()
    print(report.text_table(table))
    print()
    for line in report.ratios(table, connections):
        print(line)
    paths = report.write(table, connections, args.out_dir, args, time.monotonic() - started)
    print("\nwrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())

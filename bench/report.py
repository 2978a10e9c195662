"""The benchmark's table, ratios, results file and chart."""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.load import LoadResult
from bench.servers import Config

RATIOS = (("a", "b", "(a)/(b): Connexion and all over our own code's ceiling"),
          ("c", "a", "(c)/(a): a second worker on SQLite"),
          ("e", "d", "(e)/(d): a second instance on PostgreSQL"))  # fmt: skip


@dataclass(frozen=True)
class Round:
    """One round of one configuration: the load's result and what it cost."""

    result: LoadResult
    peak_kib: int  # the server's peak RSS
    cpu_s: float  # the server's processes
    database_cpu_s: float  # PostgreSQL's processes
    busy: float  # the fraction of the machine's cores that were busy


@dataclass(frozen=True)
class Row:
    """One configuration at one connection count, over its rounds (median, range)."""

    key: str
    label: str
    connections: int
    rate: float
    rate_min: float
    rate_max: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    peak_rss_mib: float
    cpu_ms: float  # server CPU per request (every process of the configuration)
    database_cpu_ms: float  # PostgreSQL's CPU per request
    busy: float  # median fraction of the machine's cores busy
    rounds: int


def summarise(
    configs: list[Config],
    connections: list[int],
    results: dict[tuple[str, int], list[Round]],
) -> list[Row]:
    """One row per configuration and connection count."""
    rows = []
    for config in configs:
        for conns in connections:
            runs = results.get((config.key, conns), [])
            if not runs:
                continue
            rates = [r.result.rate for r in runs]
            requests = max(1, sum(r.result.requests for r in runs))
            rows.append(
                Row(
                    config.key,
                    config.label,
                    conns,
                    statistics.median(rates),
                    min(rates),
                    max(rates),
                    statistics.median(r.result.p50_ms for r in runs),
                    statistics.median(r.result.p99_ms for r in runs),
                    sum(r.result.errors for r in runs),
                    sum(r.result.requests for r in runs),
                    max(r.peak_kib for r in runs) / 1024,
                    1e3 * sum(r.cpu_s for r in runs) / requests,
                    1e3 * sum(r.database_cpu_s for r in runs) / requests,
                    statistics.median(r.busy for r in runs),
                    len(runs),
                )
            )
    return rows


def text_table(rows: list[Row]) -> str:
    """The table as Markdown (readable on the terminal too)."""
    lines = [
        "| configuration | conns | captures/s (median, range) | p50 ms | p99 ms | errors "
        "| peak RSS | server CPU per capture | PostgreSQL CPU per capture | cores busy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.label} | {r.connections} | {r.rate:,.0f} ({r.rate_min:,.0f}-{r.rate_max:,.0f}) "
            f"| {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} of {r.requests:,} "
            f"| {r.peak_rss_mib:.0f} MiB | {r.cpu_ms:.2f} ms | {r.database_cpu_ms:.2f} ms "
            f"| {r.busy:.0%} |"
        )
    return "\n".join(lines)


def ratios(rows: list[Row], connections: list[int]) -> list[str]:
    """The ratios the targets are stated in, per connection count."""
    by = {(r.key, r.connections): r for r in rows}
    lines = []
    for top, bottom, text in RATIOS:
        for conns in connections:
            a, b = by.get((top, conns)), by.get((bottom, conns))
            if a and b and b.rate:
                lines.append(f"{text}, {conns} connections: {a.rate / b.rate:.2f}")
    return lines


def write(
    rows: list[Row], connections: list[int], out: Path, args: argparse.Namespace, wall_s: float
) -> list[Path]:
    """results.json, table.md and chart.png (the chart when matplotlib is installed)."""
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "rounds": args.rounds,
        "duration_s": args.duration,
        "connections": connections,
        "wall_s": round(wall_s, 1),
        "rows": [asdict(r) for r in rows],
        "ratios": ratios(rows, connections),
    }
    paths = [out / "results.json", out / "table.md"]
    paths[0].write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(
        text_table(rows) + "\n\n" + "\n".join(f"- {r}" for r in data["ratios"]) + "\n",
        encoding="utf-8",
    )
    chart = _chart(rows, connections, out / "chart.png")
    return [*paths, *([chart] if chart else [])]


def _chart(rows: list[Row], connections: list[int], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("chart skipped: matplotlib is not installed (make bench installs it)")
        return None
    keys = list(dict.fromkeys(r.key for r in rows))
    labels = {r.key: r.label.split(")", 1)[0] + ")" for r in rows}
    by = {(r.key, r.connections): r for r in rows}
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    width = 0.8 / len(connections)
    for index, conns in enumerate(connections):
        xs = [i + index * width for i in range(len(keys))]
        left.bar(
            xs,
            [by[(k, conns)].rate if (k, conns) in by else 0 for k in keys],
            width,
            label=f"{conns} connections",
        )
        right.bar(
            xs,
            [by[(k, conns)].p99_ms if (k, conns) in by else 0 for k in keys],
            width,
            label=f"{conns} connections",
        )
    for axis, title in ((left, "captures/s (median)"), (right, "p99 latency, ms (log)")):
        axis.set_xticks([i + width * (len(connections) - 1) / 2 for i in range(len(keys))])
        axis.set_xticklabels([labels[k] for k in keys])
        axis.set_title(title)
        axis.legend()
    right.set_yscale("log")
    figure.suptitle("capture-order: every request a capture of a fresh order (wrk, 2 cores)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return path

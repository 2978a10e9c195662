"""`capture-order conformance`: options, the run, the console summary, reports, the exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from conformance.fixtures import FixturesError
from conformance.verdict import exit_code

DESCRIPTION = (
    "Run the Capture Order conformance suite against a deployment. Settings come from the "
    "fixtures file, then CAPTURE_ORDER_* environment variables, then these flags."
)


def parser() -> argparse.ArgumentParser:
    """The suite's command-line options (shared with the pytest plugin)."""
    p = argparse.ArgumentParser(prog="capture-order conformance", description=DESCRIPTION)
    p.add_argument("--base-url", help="host root of the deployment, e.g. http://127.0.0.1:8000")
    p.add_argument("--fixtures", help="fixtures file (JSON, or TOML when it ends in .toml)")
    p.add_argument("--token", help="Authorization value of channel A (`Token <key>`)")
    p.add_argument("--foreign-token", help="Authorization value of channel B")
    p.add_argument("--report-dir", help="write junit.xml, report.json and report.html here")
    p.add_argument("--rate-limit", type=float, help="at most this many requests per second")
    p.add_argument("--max-response-time", type=float, metavar="MS", help="fail slower responses")
    p.add_argument("--seed", type=int, help="seed for generated data (same seed, same cases)")
    p.add_argument("--max-examples", type=int, help="fuzzing budget per phase (default 100)")
    p.add_argument("--workers", type=int, help="fuzzing workers (default 1)")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="ID_OR_CHECK",
        help="run only these (repeatable, or comma-separated)",
    )
    p.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="ID_OR_CHECK",
        help="leave these out (repeatable, or comma-separated)",
    )
    p.add_argument("--verbose", action="store_true", help="print every failure in full")
    return p


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def main(argv: list[str] | None = None) -> int:
    """Run the suite; 0 conformant, 1 not conformant, 2 the run could not be carried out."""
    from conformance import console
    from conformance.report import write_reports
    from conformance.runner import run
    from conformance.settings import resolve

    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    flags = {
        "base_url": args.base_url,
        "fixtures": args.fixtures,
        "token": args.token,
        "foreign_token": args.foreign_token,
        "report_dir": args.report_dir,
        "rate_limit": args.rate_limit,
        "max_response_time": args.max_response_time,
        "seed": args.seed,
        "max_examples": args.max_examples,
        "workers": args.workers,
        "only": _split(args.only),
        "skip": _split(args.skip),
        "verbose": args.verbose or None,
    }
    try:
        settings = resolve(flags)
    except FixturesError as exc:
        print(f"capture-order conformance: cannot run: {exc}", file=sys.stderr)
        return 2
    console.header(settings)
    report = run(settings, console.progress)
    if report.error is not None:
        print(f"capture-order conformance: cannot run: {report.error}", file=sys.stderr)
    else:
        console.summary(report)
    if settings.report_dir is not None:
        paths = write_reports(report, settings.report_dir)
        if report.error is None:
            console.reports(paths)
    return 2 if report.error is not None else exit_code(report.verdict)

"""Run the Capture Order conformance suite against a deployment, or verify a report offline.

Settings come from the fixtures file, then CAPTURE_ORDER_* environment variables, then these
flags. With --traffic FILE (HAR or NDJSON) it sends nothing and judges the recorded exchanges.
Before the run it prints what the full run needs from the fixtures and what the file
gives. Every case of every rule gets PASS, FAIL, SKIP (with the reason) or ERROR, and the run
one of these verdicts:

  CONFORMANT                   every MUST case checked and passed      exit 0
  NO FAILURES, BUT INCOMPLETE  nothing failed, but MUST cases were not exit 0 (default profile)
                               checked (listed, with the fixtures     exit 1 (--profile certify)
                               that would cover them)
  NOT CONFORMANT               a MUST failed                           exit 1
  COULD NOT RUN COMPLETELY     the run itself broke (a crash, the      exit 2
                               server unreachable, a refused capture),
                               or the preflight found a setup mistake
                               (fixture orders captured already, a
                               token refused): one line says what to do

A fixtures file serves one run: its capturable orders are captured by it. Before any check,
the preflight asks each fixture order the run will use for its state, with requests that
capture nothing.

Exit 0 in the default profile means "no failure found", not "conformant": use
--profile certify when 0 must mean conformant. A SHOULD that fails is a WARN and fails nothing.

`capture-order conformance verify REPORT_DIR` checks the report files of a run against its
manifest.json, offline: exit 0 when every file is the one the run wrote, 1 when one differs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from capture_order.conformance import options
from capture_order.conformance.fixtures import FixturesError

HELP = "run the conformance suite against a deployment (or verify a report)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The suite's options (the same table feeds the pytest plugin and the environment)."""
    options.add_arguments(parser)
    actions = parser.add_subparsers(dest="action", metavar="[verify REPORT_DIR]")
    verify = actions.add_parser(
        "verify",
        help="check a report directory against its manifest.json, offline",
        description="Check every file of a report directory against its manifest.json. Exit "
        "status: 0 every file as the run wrote it, 1 a file missing or different, 2 no readable "
        "manifest.json in REPORT_DIR.",
    )
    verify.add_argument(
        "report_directory",
        type=Path,
        metavar="REPORT_DIR",
        help="a directory a run wrote with --report-dir (it holds manifest.json)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the suite (0 conformant, 1 not, 2 could not run), or verify a report directory."""
    if getattr(args, "action", None) == "verify":
        return verify(args.report_directory)
    from capture_order.conformance import baseline as baselines
    from capture_order.conformance import suite_console
    from capture_order.conformance.report import write_reports
    from capture_order.conformance.runner import plan_for
    from capture_order.conformance.runner import run as run_suite
    from capture_order.conformance.settings import resolve

    flags = options.from_namespace(args)
    try:
        baseline = baselines.given(flags, os.environ)
    except baselines.BaselineError as exc:
        print(f"capture-order conformance: bad baseline: {exc}", file=sys.stderr)
        _reports_of_a_run_that_could_not_start(flags, f"bad baseline: {exc}")
        return 2
    if flags.get("traffic"):
        from capture_order.conformance.traffic.traffic_command import run_traffic

        return run_traffic(flags)
    try:
        settings = resolve(flags)
    except FixturesError as exc:
        print(f"capture-order conformance: cannot run: {exc}", file=sys.stderr)
        _reports_of_a_run_that_could_not_start(flags, str(exc))
        return 2
    suite_console.header(settings, plan_for(settings))
    report = run_suite(settings, suite_console.progress)
    write_to = Path(flags["write_baseline"]) if flags.get("write_baseline") else None
    settled = baselines.settle(report, baseline, write_to)
    if report.error is not None:
        print(f"capture-order conformance: cannot run: {report.error}", file=sys.stderr)
    else:
        suite_console.summary(report)
    for line in settled:
        print(line, file=sys.stderr if report.error is not None else sys.stdout)
    if settings.report_dir is not None:
        paths = write_reports(report, settings.report_dir)
        if report.error is None:
            suite_console.reports(paths)
    return baselines.run_exit_code(report.verdict, settings.profile, report.error, report.baseline)


def _reports_of_a_run_that_could_not_start(flags: dict[str, Any], error: str) -> None:
    """CI reads every case in every report: a run refused at setup lists them all as SKIP."""
    directory = flags.get("report_dir") or os.environ.get("CAPTURE_ORDER_REPORT_DIR")
    if directory:
        from capture_order.conformance.report import write_not_run
        from capture_order.conformance.settings import Settings

        base_url = flags.get("base_url") or os.environ.get("CAPTURE_ORDER_BASE_URL") or ""
        write_not_run(Settings(base_url, report_dir=Path(directory), seed=0), error)


def verify(directory: Path) -> int:
    """Check a report directory offline: 0 every file as written, 1 a difference, 2 no manifest."""
    from capture_order.conformance.manifest import ManifestError
    from capture_order.conformance.manifest import verify as check_files

    try:
        lines = check_files(directory)
    except ManifestError as exc:
        print(f"capture-order conformance verify: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(f"  {'ok  ' if line.ok else 'FAIL'} {line.text}")
    bad = sum(1 for line in lines if not line.ok)
    print(
        f"verify {directory}: " + (f"{bad} problem(s)" if bad else "every file as the run wrote it")
    )
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m conformance`: the same as `capture-order conformance`."""
    parser = argparse.ArgumentParser(
        prog="capture-order conformance",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    return run(parser.parse_args(sys.argv[1:] if argv is None else argv))

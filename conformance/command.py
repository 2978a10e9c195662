"""Run the Capture Order conformance suite against a deployment.

Settings come from the fixtures file, then CAPTURE_ORDER_* environment variables, then these
flags. With --traffic FILE (HAR or NDJSON) it sends nothing and judges the recorded exchanges.
Exit status: 0 conformant, 1 not conformant, 2 the run could not be carried out.
"""

from __future__ import annotations

import argparse
import sys

from conformance import options
from conformance.fixtures import FixturesError
from conformance.verdict import exit_code

HELP = "run the conformance suite against a deployment"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The suite's options (the same table feeds the pytest plugin and the environment)."""
    options.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run the suite; 0 conformant, 1 not conformant, 2 the run could not be carried out."""
    from conformance import console
    from conformance.report import write_reports
    from conformance.runner import run as run_suite
    from conformance.settings import resolve

    flags = options.from_namespace(args)
    if flags.get("traffic"):
        from conformance.traffic.command import run_traffic

        return run_traffic(flags)
    try:
        settings = resolve(flags)
    except FixturesError as exc:
        print(f"capture-order conformance: cannot run: {exc}", file=sys.stderr)
        return 2
    console.header(settings)
    report = run_suite(settings, console.progress)
    if report.error is not None:
        print(f"capture-order conformance: cannot run: {report.error}", file=sys.stderr)
    else:
        console.summary(report)
    if settings.report_dir is not None:
        paths = write_reports(report, settings.report_dir)
        if report.error is None:
            console.reports(paths)
    return 2 if report.error is not None else exit_code(report.verdict)


def main(argv: list[str] | None = None) -> int:
    """`python -m conformance`: the same as `capture-order conformance`."""
    parser = argparse.ArgumentParser(prog="capture-order conformance", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(sys.argv[1:] if argv is None else argv))

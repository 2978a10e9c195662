"""`capture-order conformance --traffic FILE`: the suite's verdict from recorded exchanges."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from capture_order.conformance.fixtures import Fixtures, FixturesError, load_fixtures
from capture_order.conformance.settings import Settings, normalise_token
from capture_order.conformance.traffic.errors import TrafficError


def traffic_settings(flags: dict[str, Any], source: str) -> Settings:
    """The settings of a traffic run: no deployment; selection, reports, profile, and the facts
    of a fixtures file (--fixtures) when one is given. FixturesError when it is unusable."""
    path = Path(flags["fixtures"]) if flags.get("fixtures") else None
    fixtures = load_fixtures(path) if path is not None else Fixtures()
    return Settings(
        base_url=source,
        token=normalise_token(fixtures.token),
        orders=fixtures.orders,
        foreign_token=normalise_token(fixtures.foreign_token),
        foreign_orders=fixtures.foreign_orders,
        uncapturable_orders=fixtures.uncapturable_orders,
        report_dir=Path(flags["report_dir"]) if flags.get("report_dir") else None,
        seed=0,
        only=frozenset(flags.get("only") or ()),
        skip=frozenset(flags.get("skip") or ()),
        verbose=bool(flags.get("verbose")),
        fixtures_path=path,
        profile=flags.get("profile") or "default",
    )


def run_traffic(flags: dict[str, Any]) -> int:
    """Judge the file; 0 conformant (or incomplete, outside --profile certify; or no new failure
    under a baseline), 1 not conformant, 2 the file (fixtures, baseline) could not be read."""
    from capture_order.conformance import baseline as baselines
    from capture_order.conformance import suite_console
    from capture_order.conformance.report import write_not_run, write_reports
    from capture_order.conformance.traffic.run import judge_file
    from capture_order.conformance.traffic.traffic_console import progress, traffic_summary

    path = Path(flags["traffic"])
    try:
        settings = traffic_settings(flags, f"traffic {path.name}")
    except FixturesError as exc:
        print(f"capture-order conformance: cannot judge: {exc}", file=sys.stderr)
        return 2
    print(f"capture-order conformance · judging recorded traffic {path}", flush=True)
    try:
        baseline = baselines.given(flags, os.environ)
        report = judge_file(path, settings, progress)
    except (TrafficError, baselines.BaselineError) as exc:
        print(f"capture-order conformance: cannot judge: {exc}", file=sys.stderr)
        if settings.report_dir is not None:
            write_not_run(settings, f"cannot judge: {exc}")
        return 2
    write_to = Path(flags["write_baseline"]) if flags.get("write_baseline") else None
    settled = baselines.settle(report, baseline, write_to)
    suite_console.summary(report)
    traffic_summary(report)
    for line in settled:
        print(line)
    if settings.report_dir is not None:
        suite_console.reports(write_reports(report, settings.report_dir))
    return baselines.run_exit_code(report.verdict, settings.profile, None, report.baseline)

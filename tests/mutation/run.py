"""`make mutation`: a fresh mutmut run, then the score, the survivors and a JSON summary."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.mutation import results
from tests.mutation.config import ENABLE_VARIABLE, MAX_EXAMPLES, OUTCOMES_VARIABLE, SEED

ROOT = Path(__file__).resolve().parents[2]
OUT = Path("build/mutation")
MUTMUT = Path(sys.executable).with_name("mutmut")


def run_mutmut() -> float:
    """Run every mutant from scratch; return the wall time in seconds."""
    # mutmut keeps verdicts in mutants/ and invalidates them only when the mutated
    # functions change, not when the suite or the spec does: start clean every time.
    shutil.rmtree("mutants", ignore_errors=True)
    outcomes = OUT / "outcomes"
    shutil.rmtree(outcomes, ignore_errors=True)
    outcomes.mkdir(parents=True)
    env = {**os.environ, ENABLE_VARIABLE: "1", OUTCOMES_VARIABLE: str(outcomes.resolve())}
    started = time.monotonic()
    done = subprocess.run([str(MUTMUT), "run"], env=env, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"mutmut run failed with exit code {done.returncode}")
    return elapsed


def _print_counts(summary: results.Summary, wall_time: float) -> None:
    print(
        "\nMutation testing: capture_order/server/domain/, api.py and capture_service.py, "
        "killed by the conformance suite"
    )
    print(f"  total mutants  {summary.total}")
    for status in results.SCORED:
        print(f"  {status:<14} {summary.counts.get(status, 0)}")
    print(f"  {results.FORMULA}")
    killed = summary.counts.get(results.KILLED, 0)
    print(f"  score          {summary.score:.1f}% ({killed}/{summary.scored})")
    print(f"  wall time      {wall_time:.0f} s")


def _print_kills(kills: results.Kills) -> None:
    print("\nHow the suite reported the killed mutants")
    for kind, count in kills.by_kind.most_common():
        print(f"  {count:>4}  {kind}")
    print("Checks that did not pass, by killed mutants")
    for check, count in kills.by_check.most_common():
        print(f"  {count:>4}  {check}")


def main(argv: list[str] | None = None) -> int:
    """Run (or, with --report-only, re-read) the mutation run and report it."""
    parser = argparse.ArgumentParser(prog="python -m tests.mutation.run", description=__doc__)
    parser.add_argument("--fail-under", type=float, default=0.0, help="minimum score, percent")
    parser.add_argument(
        "--report-only", action="store_true", help="report the last run in mutants/ again"
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    summary_path = OUT / "summary.json"
    if args.report_only:
        wall_time = float(json.loads(summary_path.read_text("utf-8"))["wall_time_s"])
    else:
        wall_time = run_mutmut()
    mutants = results.load_mutants()
    summary = results.summarize(mutants)
    kills = results.kills(mutants, OUT / "outcomes")
    not_killed = [m for m in mutants if m.status != results.KILLED]
    why = results.explanations()
    listed = [
        {"name": m.name, "status": m.status, "why": why.get(m.name), "diff": results.diff(m)}
        for m in not_killed
    ]
    unexplained = [entry["name"] for entry in listed if entry["why"] is None]
    document: dict[str, Any] = {
        "tool": f"mutmut {importlib.metadata.version('mutmut')}",
        "mutated": ["capture_order/server/domain/*", "capture_order/server/api.py"],
        "killer": "tests/mutation/test_killer.py",
        "suite_budget": {"seed": SEED, "max_examples": MAX_EXAMPLES},
        "total": summary.total,
        "counts": summary.counts,
        "score_percent": round(summary.score, 2),
        "score_formula": results.FORMULA,
        "wall_time_s": round(wall_time, 1),
        "kills_by_kind": dict(kills.by_kind),
        "kills_by_check": dict(kills.by_check),
        "kills_by_requirement": dict(kills.by_requirement),
        "not_killed": listed,
        "unexplained": unexplained,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nNot killed: {len(listed)}")
    for entry in listed:
        reason = entry["why"] or "UNEXPLAINED: close it with a suite check, or explain it"
        print(f"\n# {entry['name']}: {entry['status']}\n# {reason}\n{entry['diff']}")
    _print_kills(kills)
    _print_counts(summary, wall_time)
    print(f"  unexplained    {len(unexplained)} (survivors not in {results.SURVIVORS.name})")
    print(f"  summary        {summary_path}")
    if summary.unfinished:
        print(f"FAILED: {summary.unfinished} mutants have no verdict; the run did not finish")
        return 1
    if summary.score < args.fail_under:
        print(f"FAILED: score {summary.score:.1f}% is under {args.fail_under:.0f}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The fault matrix: the suite run against the reference server behind each fault, in parallel."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.faults.proxy import running_proxy
from tests.faults.registry import FAULTS, LEVELS
from tests.harness import Reference, SuiteRun, loopback_socket, run_suite, url_of

# Small and fixed: the matrix is about the semantic checks and sweeps, fuzzing only adds to them.
SEED = "7"
MAX_EXAMPLES = "10"
# Suite runs at once: one per core on the 2-core CI machine.
WORKERS = int(os.environ.get("FAULT_WORKERS", "2"))
CLEAN = "(none)"


@dataclass(frozen=True)
class FaultRun:
    """One suite run behind one fault (or none), with the fixtures it used."""

    fault: str
    outcome: SuiteRun
    fixtures: dict[str, object]
    report_dir: Path
    seconds: float

    def reported(self) -> dict[str, str]:
        """Requirement ID -> verdict, for the requirements that did not pass or skip."""
        return {i: s for i, s in self.outcome.verdicts().items() if s not in ("PASS", "SKIP")}

    def titles(self, requirement: str) -> set[str]:
        """The titles of the findings reported for a requirement."""
        assert self.outcome.report is not None, self.outcome.stdout + self.outcome.stderr
        result = next(r for r in self.outcome.report["requirements"] if r["id"] == requirement)
        return {f["title"] for f in result["failures"]}

    def news(self, clean: FaultRun) -> dict[str, str]:
        """What this run reported beyond the clean run: new verdicts, or new findings."""
        before = clean.reported()
        return {
            i: s
            for i, s in self.reported().items()
            if before.get(i) != s or self.titles(i) - clean.titles(i)
        }


def run_fault(reference: Reference, fault: str, tmp: Path) -> FaultRun:
    """Fresh channels and orders, a proxy with the fault, and the suite through the proxy."""
    started = time.perf_counter()
    report_dir = tmp / fault.strip("()")
    with loopback_socket() as sock:
        fixtures_path = reference.seed(orders=20, items=3, base_url=url_of(sock))
        fixtures = json.loads(fixtures_path.read_text(encoding="utf-8"))
        entry = FAULTS.get(fault)
        # The clean run and the faults only fuzzing sees run the whole suite; the others skip
        # the fuzzer (FAULT_FUZZ_ALL=1 runs it for every fault).
        fuzz = entry is None or entry.fuzzing or os.environ.get("FAULT_FUZZ_ALL") == "1"
        with running_proxy(reference.base_url, None if fault == CLEAN else fault, fixtures, sock):
            outcome = run_suite(
                "--fixtures",
                str(fixtures_path),
                "--seed",
                SEED,
                "--max-examples",
                MAX_EXAMPLES,
                *(() if fuzz else ("--skip", "schema_fuzzing")),
                report_dir=report_dir,
            )
    return FaultRun(fault, outcome, fixtures, report_dir, time.perf_counter() - started)


def run_matrix(reference: Reference, faults: Iterable[str], tmp: Path) -> dict[str, FaultRun]:
    """Run the given faults (CLEAN for no fault), WORKERS at a time."""
    with ThreadPoolExecutor(WORKERS) as pool:
        runs = pool.map(lambda name: run_fault(reference, name, tmp), list(faults))
        return {run.fault: run for run in runs}


def expected_verdict(requirement: str) -> str:
    """A broken MUST is a FAIL; a broken SHOULD is a WARN (and alone leaves exit code 0)."""
    return "FAIL" if LEVELS[requirement] == "MUST" else "WARN"


def table(runs: dict[str, FaultRun]) -> str:
    """The matrix as a Markdown table; fault rows show what they reported beyond the clean run."""
    lines = [
        "| fault | class | what it does | must trip | suite reported (exit code) |",
        "|---|---|---|---|---|",
    ]
    clean = runs.get(CLEAN)
    for name, run in sorted(runs.items()):
        fault = FAULTS.get(name)
        found = run.news(clean) if clean and fault else run.reported()
        reported = ", ".join(f"{i} {s}" for i, s in sorted(found.items())) or "nothing"
        must = ", ".join(fault.requirements) if fault else "nothing"
        lines.append(
            f"| `{name}` | {fault.kind if fault else 'clean'} | {fault.does if fault else '-'} "
            f"| {must} | {reported} ({run.outcome.returncode}) |"
        )
    return "\n".join(lines)

"""`capture-order lint`: openapi-spec-validator, the project's own checks, then Spectral."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conformance.contract import spec_path
from conformance.lint_checks import (
    Finding,
    Severity,
    check_examples,
    check_requirements,
    pointer,
    validate_document,
)

ROOT = Path(__file__).resolve().parent.parent
SPECTRAL_ENV = "CAPTURE_ORDER_SPECTRAL"
REQUIRE_SPECTRAL_ENV = "CAPTURE_ORDER_REQUIRE_SPECTRAL"
SPECTRAL_TIMEOUT_S = 180


@dataclass(frozen=True)
class ToolReport:
    """What one tool found, or why it did not run."""

    tool: str
    findings: tuple[Finding, ...] = ()
    skipped: str | None = None

    def count(self, severity: Severity) -> int:
        """How many findings of this severity."""
        return sum(1 for finding in self.findings if finding.severity == severity)


def python_reports(spec: dict[str, Any]) -> list[ToolReport]:
    """openapi-spec-validator, then the project checks written in Python."""
    return [
        ToolReport("openapi-spec-validator", tuple(validate_document(spec))),
        ToolReport("project checks", tuple(check_examples(spec) + check_requirements(spec))),
    ]


def find_spectral() -> Path | None:
    """The pinned Spectral: $CAPTURE_ORDER_SPECTRAL, else the checkout's `.npm-tools/`."""
    configured = os.environ.get(SPECTRAL_ENV)
    candidate = Path(configured) if configured else ROOT / ".npm-tools/node_modules/.bin/spectral"
    return candidate if candidate.is_file() else None


def run_spectral(spec_file: Path, ruleset: Path) -> ToolReport:
    """Spectral with the project ruleset; info and hint findings count as warnings."""
    tool = f"spectral ({ruleset.name})"
    binary = find_spectral()
    if binary is None:
        return ToolReport(tool, skipped="npm tools not installed (run `make lint` with npm)")
    if not ruleset.is_file():
        return ToolReport(tool, skipped=f"ruleset {ruleset} not found (run from a checkout)")
    command = [str(binary), "lint", "--quiet", "--ruleset", str(ruleset), "--format", "json"]
    command.append(str(spec_file))
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=SPECTRAL_TIMEOUT_S, check=False
    )
    try:
        results = json.loads(done.stdout)
    except json.JSONDecodeError:
        reason = (done.stderr or done.stdout).strip()[-2000:]
        return ToolReport(tool, (Finding("error", str(binary), f"spectral failed: {reason}"),))
    findings = tuple(
        Finding(
            "error" if result["severity"] == 0 else "warning",
            f"{result['source']}:{result['range']['start']['line'] + 1} {pointer(*result['path'])}",
            f"{result['code']}: {result['message']}",
        )
        for result in results
    )
    return ToolReport(tool, findings)


def _print_report(report: ToolReport) -> None:
    if report.skipped:
        print(f"SKIPPED {report.tool.split()[0]}: {report.skipped}")
        return
    for finding in report.findings:
        print(f"  {finding.severity:<7} {finding.where}  {finding.message}")
    errors, warnings = report.count("error"), report.count("warning")
    print(f"{report.tool}: {errors} errors, {warnings} warnings")


def main(argv: Sequence[str] | None = None) -> int:
    """Run every lint over the spec; 0 when nothing at all was found, else 1."""
    parser = argparse.ArgumentParser(prog="capture-order lint", description=__doc__)
    parser.add_argument("--spec", type=Path, default=None, help="spec file (default: the contract)")
    parser.add_argument("--ruleset", type=Path, default=ROOT / ".spectral.yaml")
    args = parser.parse_args(argv)
    spec_file: Path = (args.spec or spec_path()).resolve()
    with spec_file.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    levels = Counter(str(entry.get("level")) for entry in spec.get("x-requirements", []))
    print(f"lint {spec_file}")
    print("requirements: " + ", ".join(f"{n} {level}" for level, n in sorted(levels.items())))
    spectral = run_spectral(spec_file, args.ruleset)
    if spectral.skipped and os.environ.get(REQUIRE_SPECTRAL_ENV, "") not in ("", "0"):
        # CI sets the variable: there a skipped Spectral is a failure, not a shrug.
        reason = f"Spectral is required ({REQUIRE_SPECTRAL_ENV}=1) but {spectral.skipped}"
        spectral = ToolReport(spectral.tool, (Finding("error", "spectral", reason),))
    reports = [*python_reports(spec), spectral]
    for report in reports:
        _print_report(report)
    errors = sum(report.count("error") for report in reports)
    warnings = sum(report.count("warning") for report in reports)
    print(f"lint: {errors} errors, {warnings} warnings")
    return 1 if errors or warnings else 0


if __name__ == "__main__":
    sys.exit(main())

"""`capture-order lint`: every lint over a spec; exit 0 only when nothing but notes was found."""

from __future__ import annotations

import argparse
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from openapi_spec_validator import OpenAPIV30SpecValidator

from capture_order.contract.lint.catalogue_rules import check_requirements
from capture_order.contract.lint.examples import check_examples
from capture_order.contract.lint.findings import LintFinding, ToolReport
from capture_order.contract.lint.spectral import default_ruleset, run_spectral
from capture_order.contract.spec import Spec, SpecError, pointer, read_spec, spec_path

HELP = "lint the contract (openapi-spec-validator, project checks, Spectral)"
REQUIRE_SPECTRAL_ENV = "CAPTURE_ORDER_REQUIRE_SPECTRAL"


def validate_document(spec: Spec) -> list[LintFinding]:
    """openapi-spec-validator over the whole document (OpenAPI 3.0 rules)."""
    errors = OpenAPIV30SpecValidator(spec).iter_errors()
    return [LintFinding("error", pointer(*e.absolute_path) or "/", e.message) for e in errors]


def python_reports(spec: Spec) -> list[ToolReport]:
    """openapi-spec-validator, then the project checks written in Python."""
    return [
        ToolReport("openapi-spec-validator", tuple(validate_document(spec))),
        ToolReport("project checks", tuple(check_examples(spec) + check_requirements(spec))),
    ]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The lint's options."""
    parser.add_argument("--spec", type=Path, default=None, help="spec file (default: the contract)")
    parser.add_argument(
        "--ruleset",
        type=Path,
        default=default_ruleset(),
        help="Spectral ruleset (default: the project's, %(default)s)",
    )


def _print_report(report: ToolReport) -> None:
    if report.tool_warning:
        print(f"WARNING {report.tool.split()[0]}: {report.tool_warning}")
    if report.skipped:
        print(f"SKIPPED {report.tool.split()[0]}: {report.skipped}")
        return
    for finding in report.findings:
        print(f"  {finding.severity:<7} {finding.where}  {finding.message}")
    errors, warnings = report.count("error"), report.count("warning")
    print(f"{report.tool}: {errors} errors, {warnings} warnings")
    if report.count("note"):
        print(f"{report.tool}: {report.count('note')} notes (listed, not failing)")


def _required(spectral: ToolReport) -> ToolReport:
    """Spectral's report where it must run at the tested version (CI sets the variable): a
    skipped Spectral, or one of another version, is then an error, not a shrug."""
    if spectral.skipped:
        reason = f"Spectral is required ({REQUIRE_SPECTRAL_ENV}=1) but {spectral.skipped}"
        return ToolReport(spectral.tool, (LintFinding("error", "spectral", reason),))
    if spectral.tool_warning:
        reason = f"the tested Spectral is required ({REQUIRE_SPECTRAL_ENV}=1): "
        required = LintFinding("error", "spectral", reason + spectral.tool_warning)
        return replace(spectral, findings=(*spectral.findings, required))
    return spectral


# A lint another package adds to this one (the suite's case coverage, composed by the CLI).
ExtraLint = Callable[[Spec], ToolReport]


def run(args: argparse.Namespace) -> int:
    """Run every lint over the spec; 0 when nothing was found, 1 on findings, 2 unreadable."""
    return lint(args, ())


def lint(args: argparse.Namespace, extra: Sequence[ExtraLint]) -> int:
    """The contract's lints and the `extra` ones; 0 when nothing was found, 1, or 2 unreadable."""
    spec_file: Path = (args.spec or spec_path()).resolve()
    try:
        spec = read_spec(spec_file)
    except SpecError as exc:
        print(f"capture-order lint: {exc}")
        return 2
    levels = Counter(str(entry.get("level")) for entry in spec.get("x-requirements", []))
    print(f"lint {spec_file}")
    print("requirements: " + ", ".join(f"{n} {level}" for level, n in sorted(levels.items())))
    spectral = run_spectral(spec_file, args.ruleset)
    if os.environ.get(REQUIRE_SPECTRAL_ENV, "") not in ("", "0"):
        spectral = _required(spectral)
    reports = [*python_reports(spec), *(check(spec) for check in extra), spectral]
    for report in reports:
        _print_report(report)
    errors = sum(report.count("error") for report in reports)
    warnings = sum(report.count("warning") for report in reports)
    print(f"lint: {errors} errors, {warnings} warnings")
    return 1 if errors or warnings else 0

"""Lint the contract, and check that the suite exercises every case of its rules.

Runs openapi-spec-validator, the project checks, the suite's case coverage and Spectral over
the spec; ends with `lint: N errors, N warnings` and exits 1 on any finding.
"""

from __future__ import annotations

import argparse

from capture_order.contract.lint import lint_command as contract_lint

HELP = "lint the contract and the suite's coverage of its cases"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The contract lint's options."""
    contract_lint.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """The contract's lint with the suite's coverage report composed in (both rooms, here)."""
    from capture_order.conformance.coverage import coverage_report

    return contract_lint.lint(args, (coverage_report,))

"""Spectral (found as `capture_order.contract.npm_tools` says) with the project ruleset.

The ruleset is the checkout's `.spectral.yaml` and `spectral/functions/`; the wheel carries
both under `contract/lint/ruleset/`, in the same relative places (`functionsDir`).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from capture_order.contract.lint.findings import LintFinding, ToolReport
from capture_order.contract.npm_tools import (
    ToolNotFoundError,
    locate,
    package_file,
    version_warning,
)
from capture_order.contract.spec import pointer

SPECTRAL_ENV = "CAPTURE_ORDER_SPECTRAL"
SPECTRAL_TIMEOUT_S = 180


def default_ruleset() -> Path:
    """The project ruleset: the checkout's `.spectral.yaml`, else the installed copy."""
    return package_file(".spectral.yaml", "lint/ruleset/.spectral.yaml")


def run_spectral(spec_file: Path, ruleset: Path) -> ToolReport:
    """Spectral with the project ruleset; info and hint findings count as warnings."""
    tool = f"spectral ({ruleset.name})"
    try:
        binary = locate("spectral", SPECTRAL_ENV)
    except ToolNotFoundError as missing:
        return ToolReport(tool, skipped=str(missing))
    if not ruleset.is_file():
        return ToolReport(tool, skipped=f"ruleset {ruleset} not found")
    warning = version_warning("spectral", binary)
    command = [str(binary), "lint", "--quiet", "--ruleset", str(ruleset), "--format", "json"]
    command.append(str(spec_file))
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=SPECTRAL_TIMEOUT_S, check=False
    )
    try:
        results = json.loads(done.stdout)
    except json.JSONDecodeError:
        reason = (done.stderr or done.stdout).strip()[-2000:]
        failed = LintFinding("error", str(binary), f"spectral failed: {reason}")
        return ToolReport(tool, (failed,), tool_warning=warning)
    findings = tuple(
        LintFinding(
            "error" if result["severity"] == 0 else "warning",
            f"{result['source']}:{result['range']['start']['line'] + 1} {pointer(*result['path'])}",
            f"{result['code']}: {result['message']}",
        )
        for result in results
    )
    return ToolReport(tool, findings, tool_warning=warning)

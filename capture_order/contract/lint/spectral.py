"""Spectral, pinned under the checkout's `.npm-tools/`, with the project ruleset."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from capture_order.contract.lint.findings import Finding, ToolReport
from capture_order.contract.npm_tools import find_tool
from capture_order.contract.spec import pointer

SPECTRAL_ENV = "CAPTURE_ORDER_SPECTRAL"
SPECTRAL_TIMEOUT_S = 180


def run_spectral(spec_file: Path, ruleset: Path) -> ToolReport:
    """Spectral with the project ruleset; info and hint findings count as warnings."""
    tool = f"spectral ({ruleset.name})"
    binary = find_tool("spectral", SPECTRAL_ENV)
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

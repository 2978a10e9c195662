"""What a lint tool reports: findings located by JSON pointer or file:line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# A note is listed but fails nothing (a check not yet enforced, such as clause coverage).
Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class LintFinding:
    """One problem a lint tool reported."""

    severity: Severity
    where: str
    message: str


@dataclass(frozen=True)
class ToolReport:
    """What one tool found, or why it did not run; `tool_warning` is about the tool itself
    (another version than the tested one), not the spec."""

    tool: str
    findings: tuple[LintFinding, ...] = ()
    skipped: str | None = None
    tool_warning: str | None = None

    def count(self, severity: Severity) -> int:
        """How many findings of this severity."""
        return sum(1 for finding in self.findings if finding.severity == severity)

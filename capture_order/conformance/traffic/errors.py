"""Reading traffic: the one error (a line naming the line or entry) and what was read."""

from __future__ import annotations

from dataclasses import dataclass, field


class TrafficError(ValueError):
    """A traffic file that cannot be read as exchanges; the message names where."""


@dataclass
class ReadStats:
    """What a read of a traffic file found besides the operation's exchanges."""

    format: str = ""
    read: int = 0  # exchanges in the file
    judged: int = 0  # exchanges of this operation
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    truncated: str | None = None  # the cut-off last line, when there was one
    masked: int = 0  # exchanges with a header value hidden by their producer

    def skip(self, reason: str) -> None:
        """Count one exchange that is not this operation's."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

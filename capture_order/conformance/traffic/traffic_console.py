"""Console lines of a traffic run: progress while reading, and what the traffic covered."""

from __future__ import annotations

import sys
from typing import Any

from capture_order.conformance.runner import RunReport


def progress(judged: int, findings: int) -> None:
    """One line per 10,000 exchanges judged."""
    print(f"  … {judged} exchanges judged, {findings} findings so far", flush=True)


def covered(data: dict[str, Any]) -> str:
    """`MUST cases 80/111, SHOULD cases 12/16`: the cases the score counts, exercised."""
    levels = data.get("cases") or {}
    return ", ".join(f"{level} cases {n['covered']}/{n['of']}" for level, n in levels.items())


def traffic_summary(report: RunReport) -> None:
    """Exchanges read, judged and skipped, and how much of the catalogue they exercised."""
    data = report.traffic or {}
    skipped = ", ".join(f"{n} {why}" for why, n in data.get("skipped", {}).items())
    lines = [
        f"Traffic: {data.get('exchanges')} exchanges read ({data.get('format')}), "
        f"{data.get('judged')} of this operation judged"
        + (f"; skipped: {skipped}" if skipped else "")
        + (f" ({data.get('per_second')}/s)" if data.get("per_second") else ""),
        f"Covered: {covered(data)} exercised by the traffic ({data.get('covered')} of "
        f"{data.get('catalogue')} requirements); the others are SKIP with what the traffic "
        "lacked",
    ]
    if data.get("truncated_last_line"):
        lines.append(f"Note: the last line ({data['truncated_last_line']}) was cut off; skipped")
    if data.get("masked_headers"):
        lines.append(
            f"Note: {data['masked_headers']} exchanges have header values hidden by the tool that "
            "wrote them (e.g. [Filtered]); rules on tokens, keys and challenges cannot be trusted "
            "on them: record without masking (the reports redact tokens themselves)"
        )
    for line in lines:
        print(line)
    sys.stdout.flush()

"""Console lines of a traffic run: progress while reading, and what the traffic covered."""

from __future__ import annotations

import sys

from capture_order.conformance.runner import RunReport


def progress(judged: int, findings: int) -> None:
    """One line per 10,000 exchanges judged."""
    print(f"  … {judged} exchanges judged, {findings} findings so far", flush=True)


def traffic_summary(report: RunReport) -> None:
    """Exchanges read, judged and skipped, and how much of the catalogue they exercised."""
    data = report.traffic or {}
    skipped = ", ".join(f"{n} {why}" for why, n in data.get("skipped", {}).items())
    lines = [
        f"Traffic: {data.get('exchanges')} exchanges read ({data.get('format')}), "
        f"{data.get('judged')} of this operation judged"
        + (f"; skipped: {skipped}" if skipped else "")
        + (f" ({data.get('per_second')}/s)" if data.get("per_second") else ""),
        f"Covered: {data.get('covered')} of {data.get('catalogue')} requirements exercised "
        "by the traffic; the others are SKIP with the kind of exchange that would exercise them",
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

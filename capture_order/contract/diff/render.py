"""The report for people: the terminal text and the Markdown of a pull-request comment."""

from __future__ import annotations

import json
from typing import Any

from capture_order.contract.diff.model import ORDER, DiffFinding, Report, Severity, Witness
from capture_order.contract.diff.wording import as_markdown, as_text

MAX_INLINE = 160  # longer witnesses go on their own lines


def witness_json(value: Any) -> str:
    """A witness value as one line of JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def verdict_words(witness: Witness) -> str:
    """What the witness shows, in the words of its side of the exchange."""
    sent = witness.kind.startswith("request")
    if witness.accepted_by == "old":
        return "was accepted and is now rejected" if sent else "was allowed and is no longer"
    return "was rejected and is now accepted" if sent else "was not allowed and is now allowed"


def shown_value(witness: Witness) -> str:
    """The witness as a reader sees it: a header line or the JSON body."""
    if witness.header:
        return f"{witness.kind.rsplit(' ', 1)[-1]}: {witness.value}"
    return witness_json(witness.value)


def summary(report: Report) -> str:
    """One line of counts per class."""
    return ", ".join(f"{len(report.of(s))} {s.heading.lower()}" for s in ORDER)


def title(report: Report) -> str:
    """What was compared."""

    old, new = report.old, report.new
    return f"{_side(old.label, old.version)} -> {_side(new.label, new.version)}"


def _side(label: str, version: str | None) -> str:
    return f"{label} ({version})" if version else label


def text(report: Report) -> str:
    """The terminal report, grouped by class, most severe first."""
    lines = [f"capture-order diff: {title(report)}", summary(report)]
    for severity in ORDER:
        found = report.of(severity)
        if found:
            lines += ["", f"{severity.heading} ({len(found)})"]
            for item in found:
                lines += _text_finding(item)
    if not report.findings:
        lines += ["", "no differences"]
    return "\n".join(lines) + "\n"


def _text_finding(item: DiffFinding) -> list[str]:
    lines = [f"  * {item.where}", f"    {item.rule}"]
    if item.reworded is not None:
        words = item.reworded
        lines.append(f"    {words.field}: {as_text(words.old, words.new)}")
    if item.affects and item.severity is not Severity.NON_BREAKING:
        lines.append(f"    affects: {', '.join(item.affects)}")
    if item.witness is not None:
        value = shown_value(item.witness)
        lines.append(f"    witness ({item.witness.kind}, {item.witness.found_by}):")
        lines.append(f"      {value}")
        lines.append(f"      {verdict_words(item.witness)}: {item.witness.reason}")
    if item.evidence:
        lines.append(f"    e.g. {item.evidence}")
    if item.note:
        lines.append(f"    note: {item.note}")
    return lines


def markdown(report: Report, heading: str = "## Contract changes") -> str:
    """The report as Markdown (a pull-request comment, or a section of the docs)."""
    lines = [heading, "", f"`{report.old.label}` → `{report.new.label}`: {summary(report)}."]
    for severity in ORDER:
        found = report.of(severity)
        if found:
            lines += ["", f"{heading.split(' ')[0]}# {severity.heading} ({len(found)})", ""]
            for item in found:
                lines += _markdown_finding(item)
    if not report.findings:
        lines += ["", "No differences."]
    return "\n".join(lines) + "\n"


def _markdown_finding(item: DiffFinding) -> list[str]:
    lines = [f"- **{_escape(item.where)}**: {item.rule}"]
    if item.reworded is not None:
        lines.append(f"  > {reworded_markdown(item)}")
    if item.affects and item.severity is not Severity.NON_BREAKING:
        lines.append(f"  (affects {', '.join(item.affects)})")
    if item.witness is not None:
        value = shown_value(item.witness)
        words = f"{verdict_words(item.witness)}: {_escape(item.witness.reason)}"
        if len(value) <= MAX_INLINE:
            lines.append(f"  `{value}` {words}.")
        else:
            lines += [
                f"  This {item.witness.kind} {words}:",
                "",
                "  ```json",
                f"  {value}",
                "  ```",
            ]
    if item.evidence:
        lines.append(f"  For example {item.evidence}.")
    if item.note:
        lines.append(f"  _{item.note}_")
    return lines


def reworded_markdown(item: DiffFinding) -> str:
    """A reworded field as Markdown: its name, then its words, removed ones struck through."""
    words = item.reworded
    if words is None:
        return ""
    return f"{words.field}: {as_markdown(words.old, words.new)}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")

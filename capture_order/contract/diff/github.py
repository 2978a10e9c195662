"""The report as a pull-request comment, in GitHub-flavoured Markdown.

A one-line verdict first; then every breaking change with its witness in a fenced block; the other
changes collapsed in `<details>`; then the requirement catalogue's added, removed and changed
rules, a changed text with its removed words struck through and its new words in bold.
"""

from __future__ import annotations

import json

from capture_order.contract.diff.model import DiffFinding, Report, Severity, Witness
from capture_order.contract.diff.render import summary, verdict_words
from capture_order.contract.diff.wording import as_markdown, markdown_text

# GitHub refuses comments over 65,536 characters; the other changes go first, then the tail.
MAX_COMMENT = 65_000
STATES = (("added", "Added"), ("removed", "Removed"), ("changed", "Changed"))


def github(report: Report) -> str:
    """The pull-request comment."""
    comment = _comment(report, with_details=True)
    if len(comment) > MAX_COMMENT:
        comment = _comment(report, with_details=False)
    if len(comment) > MAX_COMMENT:
        cut = comment[:MAX_COMMENT].rsplit("\n", 1)[0]
        comment = f"{cut}\n\n_Cut to fit a GitHub comment: `--format markdown` shows it all._\n"
    return comment


def verdict(report: Report) -> str:
    """One line: what the change does to clients, deployments and the version."""
    breaks = [f for f in report.findings if f.severity.breaking and f.area != "version"]
    versions = f"info.version {report.old.version} -> {report.new.version}"
    if report.missing_version_bump:
        return f"breaking, {_count(breaks)} without a new major version ({versions})"
    if breaks:
        return f"breaking, {_count(breaks)} with a new major version ({versions})"
    if report.findings:
        return f"no breaking changes ({summary(report)})"
    return "no changes to the contract"


def _count(breaks: list[DiffFinding]) -> str:
    return f"{len(breaks)} breaking change{'' if len(breaks) == 1 else 's'}"


def _comment(report: Report, with_details: bool) -> str:
    lines = [f"### capture-order diff: {markdown_text(verdict(report))}", ""]
    compared = f"`{report.old.label}` ({report.old.version}) → `{report.new.label}`"
    lines += [f"{compared} ({report.new.version}): {summary(report)}."]
    breaking = [f for f in report.findings if f.severity.breaking]
    if breaking:
        lines += ["", f"#### Breaking changes ({len(breaking)})", ""]
        for index, item in enumerate(breaking):
            lines += ([""] if index else []) + _breaking(item)
    others = [f for f in report.findings if not f.severity.breaking and f.area != "requirement"]
    if others and with_details:
        lines += ["", "<details>", f"<summary>Other changes ({len(others)})</summary>", ""]
        lines += [line for item in others for line in _other(item)]
        lines += ["", "</details>"]
    elif others:
        lines += ["", f"_{len(others)} other changes left out to fit a GitHub comment._"]
    lines += _catalogue(report)
    return "\n".join(lines) + "\n"


def _breaking(item: DiffFinding) -> list[str]:
    affects = f" Affects {' and '.join(item.affects)}." if item.affects else ""
    lines = [f"- **{markdown_text(item.where)}**: {markdown_text(item.rule)}.{affects}"]
    if item.witness is not None:
        lines += ["", *_witness(item.witness)]
    if item.evidence:
        lines += ["", f"  For example {markdown_text(item.evidence)}."]
    if item.note:
        lines += ["", f"  _{markdown_text(item.note)}_"]
    return lines


def _witness(witness: Witness) -> list[str]:
    words = f"{verdict_words(witness)}: {witness.reason}"
    lines = [f"  This {markdown_text(witness.kind)} {markdown_text(words)}.", ""]
    if witness.header:
        language, body = "http", f"{witness.kind.rsplit(' ', 1)[-1]}: {witness.value}"
    else:
        language, body = "json", json.dumps(witness.value, indent=2, ensure_ascii=False)
    # No line of indented JSON or of a header starts with backticks: none can close the fence.
    lines += [f"  ```{language}", *(f"  {line}" for line in body.splitlines()), "  ```"]
    return lines


def _other(item: DiffFinding) -> list[str]:
    label = "non-breaking" if item.severity is Severity.NON_BREAKING else "docs"
    line = f"- {label}: **{markdown_text(item.where)}**: {markdown_text(item.rule)}"
    if item.note:
        line += f" _({markdown_text(item.note)})_"
    return [line]


def _catalogue(report: Report) -> list[str]:
    rules = [f for f in report.findings if f.area == "requirement"]
    if not rules:
        return []
    lines = ["", "#### Requirement catalogue", ""]
    for state, heading in STATES:
        found = [f for f in rules if f.catalogue == state]
        if not found:
            continue
        lines += [f"{heading}:", ""]
        for item in found:
            lines.append(f"- **{item.requirement}** ({_class(item)}): {markdown_text(item.rule)}")
            if item.reworded is not None:
                words = item.reworded
                lines.append(f"  > {words.field}: {as_markdown(words.old, words.new)}")
        lines.append("")
    return lines


def _class(item: DiffFinding) -> str:
    return item.severity.heading.lower()

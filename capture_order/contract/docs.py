"""`capture-order docs`: one self-contained HTML page of the contract, catalogue included."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from capture_order.contract.catalogue import LEVELS, input_classes, requirements
from capture_order.contract.npm_tools import ToolNotFoundError, locate, version_warning
from capture_order.contract.spec import Spec, SpecError, read_spec, spec_path

HELP = "render the contract as one offline HTML page (Redocly)"
REDOCLY_ENV = "CAPTURE_ORDER_REDOCLY"
DEFAULT_OUT = Path("build/docs/capture-order.html")
REDOCLY_TIMEOUT_S = 300
# A page that loads anything from the network does not work offline (scripts, styles, fonts).
REMOTE_ASSET = re.compile(
    r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I
)


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def catalogue_markdown(spec: Spec) -> str:
    """The requirement catalogue as a Markdown section: counts per level, then a table."""
    rules = requirements(spec)
    levels = Counter(rule.level for rule in rules)
    counts = ", ".join(f"{levels[level]} {level}" for level in LEVELS if levels[level])
    lines = [
        "## Requirement catalogue",
        "",
        f"{len(rules)} rules: {counts}, {sum(len(r.cases) for r in rules)} cases. Each rule has "
        "a stable ID and the cases it covers; the reference server's tests name the IDs they "
        "prove, the conformance suite's checks the cases they exercise. This table is rendered "
        "from the `x-requirements` extension at the top level of the OpenAPI document, the "
        "catalogue's single source.",
        "",
        "| ID | Level | Title | Rule | Cases |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {rule.id} | {rule.level} | {_cell(rule.title)} | {_cell(rule.text)} | "
        + "<br>".join(
            f"`{case.id}` {_cell(case.text)}"
            + ("" if case.observable else " (not observable)")
            + (f" (input class `{case.input_class}`)" if case.input_class else "")
            for case in rule.cases
        )
        + " |"
        for rule in rules
    ]
    classes = input_classes(spec)
    if classes:
        lines += [
            "",
            "### Input classes",
            "",
            "A case that names an input class is tried over the class, not one example "
            "(`x-input-classes`): all of it under `--profile certify`, its boundary values and "
            "a seeded sample of the rest by default.",
            "",
            "| Class | Technique | Source | What it holds |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{c.name}` | {c.technique} | {_cell(c.source)} | {_cell(c.text)} |"
            for c in classes.values()
        ]
    return "\n".join(lines) + "\n"


def docs_spec(spec: Spec, *sections: str) -> Spec:
    """A copy of the spec whose `info.description` ends with the catalogue (and `sections`)."""
    info = dict(spec["info"])
    parts = [info.get("description", "").rstrip(), catalogue_markdown(spec), *sections]
    info["description"] = "\n\n".join(parts)
    return {**spec, "info": info}


def build(spec_file: Path, out: Path, *sections: str) -> int:
    """Render `spec_file` to the single HTML file `out`; 0 on success."""
    try:
        redocly = locate("redocly", REDOCLY_ENV)
    except ToolNotFoundError as missing:
        print(f"docs: {missing}")
        return 1
    warning = version_warning("redocly", redocly)
    if warning:
        print(f"docs: WARNING {warning}")
    try:
        spec = read_spec(spec_file)
    except SpecError as exc:
        print(f"docs: {exc}")
        return 2
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    # Telemetry and update checks would reach for the network; the build must not.
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    with tempfile.TemporaryDirectory(prefix="capture-order-docs-") as work:
        rendered = Path(work) / spec_file.name
        page_spec = docs_spec(spec, *sections)
        rendered.write_text(yaml.safe_dump(page_spec, sort_keys=False), encoding="utf-8")
        command = [
            str(redocly),
            "build-docs",
            str(rendered),
            "--inlineBundle",
            "--output",
            str(out),
        ]
        # cwd is the empty temp dir, so no stray redocly.yaml is picked up.
        done = subprocess.run(
            command,
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=REDOCLY_TIMEOUT_S,
            check=False,
        )
    if done.returncode != 0 or not out.is_file():
        print(done.stdout + done.stderr)
        print(f"docs: redocly build-docs failed (exit {done.returncode})")
        return 1
    page = out.read_text(encoding="utf-8")
    remote = REMOTE_ASSET.findall(page)
    if remote:
        print(f"docs: {out} loads {len(remote)} remote assets, e.g. {remote[0]!r}")
        return 1
    rules = len(requirements(spec))
    print(f"docs: wrote {out} ({len(page) // 1024} KiB, self-contained, {rules} requirements)")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The docs build's options."""
    parser.add_argument("--spec", type=Path, default=None, help="spec file (default: the contract)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    parser.add_argument(
        "--changes-since",
        metavar="REV",
        default=None,
        help="add a 'Changes since REV' section: capture-order diff of git revision REV",
    )


def run(args: argparse.Namespace) -> int:
    """Build the HTML docs of the contract."""
    spec_file = (args.spec or spec_path()).resolve()
    sections = []
    if args.changes_since:
        from capture_order.contract.diff.diff_command import (
            changes_since,
        )  # only this option needs the diff

        try:
            sections.append(changes_since(args.changes_since, spec_file))
        except SpecError as exc:
            print(f"docs: {exc}")
            return 2
    return build(spec_file, args.out, *sections)

"""Review a change of the contract: what breaks whom, each schema break proved by a witness.

OLD and NEW are files or git revisions of openapi/capture-order.yaml (an argument that is an
existing file is a file; REV:PATH names another path, and ":openapi/capture-order.yaml" is the
staged one). --against-working-tree compares OLD with the working tree's contract.

Classes (most severe first):
  breaking for clients      a request the old contract accepts is rejected (narrowed request
                            schema, new required field, header or parameter, removed media type,
                            new security requirement, removed server or path), or a response
                            the new contract allows was not allowed (new enum value, widened
                            type, field made optional or nullable, new status or media type,
                            removed header), or a MUST clients relied on is gone or weakened
  breaking for deployments  a new MUST, a SHOULD made MUST, a MUST whose normative content
                            changed: a conforming deployment may no longer conform
  non-breaking              additions clients may use (the other direction of the above)
  documentation only        descriptions, examples, titles, reordered enums, renamed "$ref"
                            targets, equivalent rewrites: no value is valid in one and not the
                            other

Witnesses: each schema change is made alone to a copy of OLD (the keywords that make it copied
from NEW), so that another change made at the same time cannot prove it. It is tried with values
built from the difference (just past the new bound, of the removed type, the new enum value,
null, the body without the field ...), placed in a minimal valid body, and checked with the
project's OpenAPI 3.0 validator (contract.validation.SchemaJudge) on OLD and on that one-change
document. When none proves a suspected break, Schemathesis draws up to --tries values (fixed
--seed); a change no value tells apart is not breaking.

Versions: breaking changes need a new major info.version (SemVer), or they are a breaking
finding of their own. Before 1.0.0 the minor version counts as the major one: 0.2.0 -> 0.3.0
is a major bump, 0.2.0 -> 0.2.1 is not; 1.4.0 -> 2.0.0 is, 1.4.0 -> 1.5.0 is not.

Rewording heuristic for the catalogue: a rule's normative content is its backticked spans,
quoted strings, numbers and status codes, and condition words (not, no, never, only, unless,
except, without, and, or, each, every, all, any, if, when, at least, at most, must, should,
may, ...), after normalising whitespace, case and punctuation. Equal content: documentation
only; different content in a MUST: breaking for deployments (and worth a look for clients).
A reworded rule shows its words: text [-old-]{+new+}, Markdown struck through and bold.

Exit status: 0 nothing to fail on; 1 what --fail-on names was found: "breaking" anything
breaking, "missing-version-bump" breaking changes without a new major info.version, "any" any
change, "never" nothing; 2 the diff could not run (unreadable file, unknown revision, invalid
spec: one line on stderr). JSON fields: capture_order/contract/diff/report.schema.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from capture_order.contract.diff.diff_engine import diff
from capture_order.contract.diff.generation import DEFAULT_SEED, DEFAULT_TRIES
from capture_order.contract.diff.github import github
from capture_order.contract.diff.json_report import dumps
from capture_order.contract.diff.model import Report
from capture_order.contract.diff.render import markdown, text
from capture_order.contract.diff.sources import load, working_tree
from capture_order.contract.spec import SpecError

HELP = "review a change of the contract: breaking changes with witnesses"
FAIL_ON = ("breaking", "missing-version-bump", "any", "never")
FORMATS = ("text", "markdown", "github", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The diff's options."""
    parser.add_argument("old", metavar="OLD", help="file or git revision of the old contract")
    parser.add_argument(
        "new",
        metavar="NEW",
        nargs="?",
        help="file or git revision of the new contract (or --against-working-tree)",
    )
    parser.add_argument(
        "--against-working-tree",
        action="store_true",
        help="compare OLD with the working tree's openapi/capture-order.yaml",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for a terminal, markdown for the docs, github for a pull-request comment "
        "(verdict, witnesses, other changes folded, catalogue diff), json for tools "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="breaking",
        help="exit 1 on anything breaking, on breaking changes without a new major "
        "info.version, on any change, or never (default: %(default)s)",
    )
    parser.add_argument(
        "--tries",
        type=_positive,
        default=DEFAULT_TRIES,
        help="values Schemathesis draws per break that construction did not prove "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="generation seed (default: %(default)s)"
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=Path(),
        help="a directory inside the git checkout that revisions are read from "
        "(default: the current directory)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def report_for(old_arg: str, new_arg: str | None, repo: Path, tries: int, seed: int) -> Report:
    """The diff of two versions named as on the command line (new None: the working tree)."""
    old_spec, old_source = load(old_arg, repo)
    new_spec, new_source = working_tree(repo) if new_arg is None else load(new_arg, repo)
    return diff(old_spec, new_spec, old_source, new_source, tries=tries, seed=seed)


def changes_since(revision: str, spec_file: Path) -> str:
    """The Markdown section "Changes since REV" of the docs: REV's contract against `spec_file`."""
    report = report_for(revision, str(spec_file), spec_file.parent, DEFAULT_TRIES, DEFAULT_SEED)
    return markdown(report, heading=f"## Changes since {revision}")


def exit_status(report: Report, fail_on: str) -> int:
    """0, or 1 when the report has what `--fail-on` fails on."""
    if fail_on == "never":
        return 0
    if fail_on == "any":
        return 1 if report.findings else 0
    if fail_on == "missing-version-bump":
        return 1 if report.missing_version_bump else 0
    return 1 if report.breaking else 0


def run(args: argparse.Namespace) -> int:
    """Compare the two versions and print the report."""
    try:
        if args.against_working_tree == (args.new is not None):
            raise SpecError("give NEW or --against-working-tree (exactly one)")
        report = report_for(args.old, args.new, args.repo, args.tries, args.seed)
    except SpecError as exc:
        print(f"capture-order diff: {exc}", file=sys.stderr)
        return 2
    render = {"text": text, "markdown": markdown, "github": github, "json": dumps}[args.format]
    sys.stdout.write(render(report))
    return exit_status(report, args.fail_on)

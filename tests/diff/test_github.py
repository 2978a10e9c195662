"""`--format github`: a pull-request comment whose Markdown structure is read as GitHub reads it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from capture_order.contract.diff.diff_engine import diff
from capture_order.contract.diff.github import MAX_COMMENT, github
from capture_order.contract.diff.model import DiffFinding, Report, Severity, Source
from capture_order.contract.spec import load_spec
from tests.diff.corpus_catalogue import must_reworded_with_new_condition, should_rule_removed
from tests.diff.corpus_requests import order_items_made_required, pk_minimum_lowered
from tests.diff.corpus_responses import response_enum_value_removed, response_header_removed
from tests.diff.edits import Spec

EDITS: tuple[Callable[[Spec], None], ...] = (
    response_enum_value_removed,
    order_items_made_required,
    response_header_removed,
    must_reworded_with_new_condition,
    should_rule_removed,
    pk_minimum_lowered,
)


STOPS = ("heading_open", "html_block")


def parsed(comment: str) -> list[Token]:
    return MarkdownIt("commonmark").enable(["strikethrough", "table"]).parse(comment)


def section(tokens: list[Token], title: str) -> list[Token]:
    """The tokens after the h4 heading `title` up to the next heading or HTML block."""
    start = next(
        i
        for i, t in enumerate(tokens)
        if t.type == "inline" and t.content.startswith(title) and tokens[i - 1].tag == "h4"
    )
    end = next(
        (i for i in range(start + 1, len(tokens)) if tokens[i].type in STOPS),
        len(tokens),
    )
    return tokens[start + 1 : end]


@pytest.fixture(scope="module")
def report() -> Report:
    new = copy.deepcopy(load_spec())
    for edit in EDITS:
        edit(new)
    return diff(load_spec(), new)


@pytest.fixture(scope="module")
def tokens(report: Report) -> list[Token]:
    return parsed(github(report))


def test_the_comment_opens_with_a_one_line_verdict(report: Report, tokens: list[Token]) -> None:
    assert github(report).splitlines()[0].startswith("### ")
    assert (tokens[0].type, tokens[0].tag) == ("heading_open", "h3")
    version = load_spec()["info"]["version"]
    assert tokens[1].content == (
        "capture-order diff: breaking, 3 breaking changes without a new major version "
        f"(info.version {version} -> {version})"
    )


def test_every_breaking_change_has_its_witness_in_a_json_block(
    report: Report, tokens: list[Token]
) -> None:
    breaking = section(tokens, "Breaking changes")
    fences = [t for t in breaking if t.type == "fence"]
    bodies = [json.loads(t.content) for t in fences if t.info == "json"]
    headers = [t.content.strip() for t in fences if t.info == "http"]
    witnesses = [f.witness for f in report.findings if f.severity.breaking and f.witness]
    assert bodies == [w.value for w in witnesses if not w.header]
    assert headers == [f"Retry-After: {w.value}" for w in witnesses if w.header]
    assert {"order": "CO-000001"} in bodies
    items = [t for t in breaking if t.type == "list_item_open"]
    assert len(items) == len([f for f in report.findings if f.severity.breaking])


def test_other_changes_are_folded_in_details(report: Report, tokens: list[Token]) -> None:
    html = [t.content.strip() for t in tokens if t.type == "html_block"]
    assert html[0].startswith("<details>") and "<summary>Other changes (" in html[0]
    assert html[1] == "</details>"
    opened = next(i for i, t in enumerate(tokens) if t.type == "html_block")
    closed = next(i for i, t in enumerate(tokens) if t.content.strip() == "</details>")
    folded = [t.content for t in tokens[opened:closed] if t.type == "inline"]
    others = [f for f in report.findings if not f.severity.breaking and f.area != "requirement"]
    assert len(folded) == len(others) >= 2
    assert any("`currency` enum lost" in text for text in folded)


def test_the_catalogue_diff_shows_removed_and_changed_rules_with_their_words(
    tokens: list[Token],
) -> None:
    catalogue = section(tokens, "Requirement catalogue")
    texts = [t.content for t in catalogue if t.type == "inline"]
    assert texts[0] == "Removed:" and texts[1].startswith("**CO-ERR-04** (non-breaking)")
    assert "Changed:" in texts
    quoted = [t for t in catalogue if t.type == "blockquote_open"]
    assert len(quoted) == 1
    changed = next(t for t in catalogue if t.type == "inline" and t.content.startswith("text:"))
    kinds = [child.type for child in changed.children or []]
    struck = (changed.children or [])[kinds.index("s_open") + 1].content
    bold = (changed.children or [])[kinds.index("strong_open") + 1].content
    assert (struck, bold) == ("nothing.", "nothing unless the client sent ")


def test_an_unchanged_contract_says_so_in_one_line() -> None:
    comment = github(diff(load_spec(), load_spec()))
    assert comment.splitlines()[0] == "### capture-order diff: no changes to the contract"
    assert "<details>" not in comment


def test_a_huge_report_still_fits_a_github_comment() -> None:
    many = [
        DiffFinding(Severity.DOCS, "document", f"#/x/{i}", "`description` changed " + "x" * 200)
        for i in range(1000)
    ]
    report = Report(Source("a", "1.0.0"), Source("b", "1.0.0"), many)
    comment = github(report)
    assert len(comment) <= MAX_COMMENT
    assert "1000 other changes left out to fit a GitHub comment" in comment

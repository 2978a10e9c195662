"""A reworded rule shows its old and new words, the changed ones marked, in text and Markdown."""

from __future__ import annotations

from markdown_it import MarkdownIt

from capture_order.contract.diff.diff_engine import diff
from capture_order.contract.diff.render import markdown, text
from capture_order.contract.diff.wording import as_markdown, as_text
from capture_order.contract.spec import load_spec
from tests.diff.corpus import CORPUS

OLD = "A body larger than 65,536 bytes is answered 413 (`request_too_large`) and captures nothing."
NEW = "A body larger than 65,536 bytes is answered 413 (`request_too_large`) unless chunked."


def inline_tokens(source: str) -> list[tuple[str, str]]:
    """(type, content) of every inline token, strikethrough and tables read as GitHub does."""
    parser = MarkdownIt("commonmark").enable(["strikethrough", "table"])
    found = []
    for block in parser.parse(source):
        for child in block.children or []:
            found.append((child.type, child.content))
    return found


def test_text_marks_removed_and_added_words_as_git_word_diff_does() -> None:
    assert as_text(OLD, NEW) == (
        "A body larger than 65,536 bytes is answered 413 (`request_too_large`) "
        "[-and captures nothing.-] {+unless chunked.+}"
    )


def test_markdown_strikes_removed_words_and_bolds_added_ones() -> None:
    tokens = inline_tokens(as_markdown(OLD, NEW))
    types = [kind for kind, _ in tokens]
    assert types.count("s_open") == 1 and types.count("strong_open") == 1
    struck = tokens[types.index("s_open") + 1]
    bold = tokens[types.index("strong_open") + 1]
    assert struck == ("text", "and captures nothing.")
    assert bold == ("text", "unless chunked.")
    assert ("code_inline", "request_too_large") in tokens


def test_a_code_span_is_one_word() -> None:
    old, new = "Send `Token <key>` once.", "Send `Token <other key>` once."
    assert as_text(old, new) == "Send [-`Token <key>`-] {+`Token <other key>`+} once."


def test_rewrapped_text_has_no_marks() -> None:
    assert as_text("one two\nthree", "one  two three") == "one two three"


def test_markdown_escapes_markup_outside_code() -> None:
    tokens = inline_tokens(as_markdown("a <b> *c* [d]", "a <b> *c* [e]"))
    assert [kind for kind, _ in tokens if kind.endswith("_open")] == ["s_open", "strong_open"]
    assert tokens[0] == ("text", "a <b> *c* ")


def test_a_reworded_rule_shows_old_and_new_words_in_every_report() -> None:
    edit = next(e for e in CORPUS if e.name == "must_reworded_with_new_condition")
    report = diff(load_spec(), edit.applied(load_spec()))
    [finding] = [f for f in report.findings if f.requirement == "CO-REQ-02"]
    assert finding.reworded is not None and finding.reworded.field == "text"
    assert "[-nothing.-] {+nothing unless the client sent `Expect`.+}" in text(report)
    assert "~~nothing.~~ **nothing unless the client sent `Expect`.**" in markdown(report)
    assert "adds" not in finding.rule

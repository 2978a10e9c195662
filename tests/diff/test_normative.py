"""The rewording heuristic: same normative content is a rewording, a new condition is not."""

from __future__ import annotations

from capture_order.contract.diff.normative import normative_content, same_meaning

RULE = "A request body larger than 65,536 bytes is answered 413 (`request_too_large`)."


def test_rewording_that_keeps_values_and_conditions_means_the_same() -> None:
    reworded = "Bodies larger than 65536 bytes get a 413 answer (`request_too_large`)!"
    assert same_meaning(RULE, reworded)


def test_case_whitespace_and_punctuation_do_not_count() -> None:
    assert same_meaning(
        "Each item is captured  at most once.", "each ITEM is captured at most once"
    )


def test_a_new_condition_word_changes_the_meaning() -> None:
    assert not same_meaning(RULE, RULE.rstrip(".") + " unless it is chunked.")
    assert (normative_content(RULE + " unless chunked") - normative_content(RULE)) == {"unless": 1}


def test_a_new_number_or_identifier_changes_the_meaning() -> None:
    assert not same_meaning(RULE, RULE.replace("413", "400"))
    assert not same_meaning(RULE, RULE.replace("`request_too_large`", "`too_large`"))


def test_apostrophes_are_not_quotes() -> None:
    text = "Another channel's order is answered like the token's own unknown order."
    assert normative_content(text) == normative_content(text.replace("'s", "s"))


def test_a_dropped_negation_changes_the_meaning() -> None:
    assert not same_meaning("The token is never logged.", "The token is logged.")
    assert normative_content("It isn't stored.")["not"] == 1

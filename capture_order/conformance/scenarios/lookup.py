"""Which order a request names: order numbers are matched exactly (CO-CAP-10), and bounded."""

from __future__ import annotations

from collections.abc import Callable

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.number_variants import (
    other_case,
    pattern_characters,
    surrounding_whitespace,
    unicode_forms,
)
from capture_order.conformance.registry import scenario
from capture_order.contract.facts import request_limits

Variants = Callable[[str], list[str]]
# case -> (its input class, the spellings of a number in it)
CLASSES: dict[str, tuple[str, Variants]] = {
    "CO-CAP-10/other-case": ("order-number-case", other_case),
    "CO-CAP-10/surrounding-whitespace": ("order-number-whitespace", surrounding_whitespace),
    "CO-CAP-10/pattern-characters": ("order-number-pattern-characters", pattern_characters),
    "CO-CAP-10/unicode-form": ("order-number-unicode-forms", unicode_forms),
}
# Always tried: the first spellings of each class (swapped as a whole, a leading and a trailing
# space, NFD, a `%` tail, a `_`, a `\`).
KEPT = {"CO-CAP-10/surrounding-whitespace": 2, "CO-CAP-10/pattern-characters": 3}


def _try_variants(ctx: ScenarioContext, order: FixtureOrder, cases: list[str]) -> None:
    """Each case's sampled spellings of the order's number, then the order captured whole.

    Each variant lists only an item that no order has, so that even a deployment folding the
    number could capture nothing; the real order is captured whole afterwards to prove it.
    """
    unknown = ctx.unknown_pk()
    for case in cases:
        name, variants = CLASSES[case]
        spellings = variants(order.number)
        if not spellings:
            ctx.skip_case(case, f"needs a fixture order number that {name} has spellings of")
            continue
        keep = spellings[: KEPT.get(case, 1)]
        for number in ctx.inputs(name, spellings, keep=keep):
            # A leading space alone is the older case's input: the judge names it so.
            named = "CO-CAP-10/surrounding-space" if number == f" {order.number}" else case
            ctx.capture(ctx.variant(order, number, named), [unknown])
    ctx.capture(order.number)


@scenario(
    "CO-CAP-10/other-case",
    "CO-CAP-10/surrounding-space",
    "CO-CAP-10/surrounding-whitespace",
    "CO-CAP-10/unicode-form",
    "CO-CAP-10/pattern-characters",
    needs=Needs(orders=(OrderNeed(non_ascii=True),)),
)
def order_numbers_are_matched_exactly(ctx: ScenarioContext) -> None:
    """A fixture's number in another case, with white space, in other Unicode forms, with
    `LIKE` wildcards; then the order itself (one with a non-ASCII number, when there is one)."""
    _try_variants(ctx, ctx.order(), list(CLASSES))


def _numbers_of_length(prefix: str, length: int) -> list[str]:
    """Numbers no order has of exactly `length` characters: ASCII, 2-byte and 4-byte letters.

    A limit counted in bytes or in UTF-16 code units refuses the last two at the limit.
    """
    found = []
    for letter in ("C", "Ş", "\U0001d49e"):  # C, S with cedilla, MATHEMATICAL SCRIPT CAPITAL C
        found.append(prefix + letter * (length - len(prefix)))
    return found


@scenario("CO-REQ-04/order-length-boundary")
def order_number_length_is_bounded(ctx: ScenarioContext) -> None:
    """Numbers no order has of the length limit (404), and one character over it (400)."""
    limit = request_limits().order_max
    prefix = ctx.unknown_order()
    at = _numbers_of_length(prefix, limit)
    over = _numbers_of_length(prefix, limit + 1)
    below = _numbers_of_length(prefix, limit - 1)
    for number in ctx.inputs("order-length", [*below, *at, *over], keep=[*at[:2], *over[:2]]):
        ctx.capture(number)

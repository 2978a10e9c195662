"""Faults that only the order-level input classes show: a lenient number lookup, limits off by
a little, replays of some statuses unmarked.

Each one passes the older suite, which tried one example per case: a number with a leading
space but never a trailing one, no other Unicode form, no `LIKE` wildcard; no list, attribute
set, value or pk at or just past its limit; a replayed 404 but no replayed 422.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from capture_order.contract.facts import request_limits
from tests.faults.edits import capture_body, order_number, problem, with_body
from tests.faults.registry import FaultContext, Message, fault

LOOKUP = "capture state (lookup)"
VALIDATION = "validation"
IDEMPOTENCY = "idempotency"
LIMITS = request_limits()  # the spec's: 128 characters, 500 items, 100 attributes, 1,024
ORDER_MAX = LIMITS.order_max
ITEMS_MAX = LIMITS.items_max
ATTRIBUTES_MAX = LIMITS.attributes_max
VALUE_MAX = LIMITS.attribute_value_max
PK_MAX = LIMITS.pk_max


def _lookup(fold: Callable[[str, str], bool]) -> Callable[[FaultContext, Message], Any]:
    """A request hook that sends a number the lookup takes for a fixture order's as that one."""

    async def hook(ctx: FaultContext, request: Message) -> None:
        body = capture_body(request)
        number = order_number(request)
        if body is None or number is None:
            return
        for order in ctx.fixtures.get("orders", []):
            known = order["number"]
            if number != known and fold(number, known):
                request.body = with_body(request, {**body, "order": known}).body
                return

    return hook


def _nfc(number: str, known: str) -> bool:
    # The number normalised to NFC before the lookup (a "Unicode-safe" input filter).
    return unicodedata.normalize("NFC", number) == known


def _nfkc(number: str, known: str) -> bool:
    # NFKC before the lookup: fullwidth letters and digits are folded into ASCII.
    return unicodedata.normalize("NFKC", number) == known


def _pad_space(number: str, known: str) -> bool:
    # A PAD SPACE collation (CHAR columns, MySQL's defaults): trailing spaces do not count.
    return number.rstrip(" ") == known


def _ascii_nocase(number: str, known: str) -> bool:
    # SQLite's NOCASE collation: ASCII letters compared without case, other letters as they are.
    return _ascii_lower(number) == _ascii_lower(known)


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _like(number: str, known: str) -> bool:
    # `WHERE number LIKE ?` with the number as given, `\` the escape character.
    pattern = ""
    chars = iter(number)
    for char in chars:
        if char == "\\":
            pattern += re.escape(next(chars, ""))
        elif char == "%":
            pattern += ".*"
        elif char == "_":
            pattern += "."
        else:
            pattern += re.escape(char)
    return re.fullmatch(pattern, known, re.DOTALL) is not None


fault(
    "order_numbers_nfc_normalised",
    "CO-CAP-10",
    kind=LOOKUP,
    does="normalises the order number to NFC before the lookup (a decomposed number matches)",
    on_request=_lookup(_nfc),
)
fault(
    "order_numbers_nfkc_normalised",
    "CO-CAP-10",
    kind=LOOKUP,
    does="normalises the order number to NFKC before the lookup (fullwidth letters match)",
    on_request=_lookup(_nfkc),
)
fault(
    "order_numbers_trailing_spaces_ignored",
    "CO-CAP-10",
    kind=LOOKUP,
    does="compares order numbers under a PAD SPACE collation (trailing spaces ignored)",
    on_request=_lookup(_pad_space),
)
fault(
    "order_numbers_ascii_case_insensitive",
    "CO-CAP-10",
    kind=LOOKUP,
    does="compares order numbers under SQLite's NOCASE (ASCII letters without case)",
    on_request=_lookup(_ascii_nocase),
)
fault(
    "order_numbers_matched_with_like",
    "CO-CAP-10",
    kind=LOOKUP,
    does="finds the order with `LIKE ?`: `%` and `_` are wildcards, `\\` escapes",
    on_request=_lookup(_like),
)


def _invalid(field: str, message: str) -> Message:
    return problem(
        400,
        "invalid_request",
        "Invalid request",
        "The request body is not valid.",
        errors={field: [message]},
    )


async def _order_length_in_bytes(ctx: FaultContext, request: Message) -> Message | None:
    # The number's length checked in UTF-8 bytes (a VARCHAR(128) of bytes), not characters.
    number = order_number(request)
    if number is not None and len(number) <= ORDER_MAX < len(
        number.encode("utf-8", "surrogatepass")
    ):
        return _invalid("order", f"Ensure this field has no more than {ORDER_MAX} characters.")
    return None


def _edit_items(edit: Callable[[list[Any]], list[Any]]) -> Callable[[FaultContext, Message], Any]:
    """A request hook that rewrites `order_items` (a list) before forwarding."""

    async def hook(ctx: FaultContext, request: Message) -> None:
        body = capture_body(request)
        items = body.get("order_items") if body is not None else None
        if body is None or not isinstance(items, list):
            return
        edited = edit(items)
        if edited != items:
            request.body = with_body(request, {**body, "order_items": edited}).body

    return hook


def _truncate_items(items: list[Any]) -> list[Any]:
    # A list past maxItems silently cut to its first 500 entries.
    return items[:ITEMS_MAX]


def _saturate_pks(items: list[Any]) -> list[Any]:
    # A pk parsed into an int64 with saturation: past 2**63-1, it becomes 2**63-1.
    return [
        {**i, "pk": PK_MAX}
        if isinstance(i, dict) and isinstance(i.get("pk"), int) and i["pk"] > PK_MAX
        else i
        for i in items
    ]


def _attributes(
    edit: Callable[[dict[str, Any]], dict[str, Any]],
) -> Callable[[list[Any]], list[Any]]:
    def items_edit(items: list[Any]) -> list[Any]:
        return [
            {**i, "attributes": edit(i["attributes"])}
            if isinstance(i, dict) and isinstance(i.get("attributes"), dict)
            else i
            for i in items
        ]

    return items_edit


def _truncate_values(attributes: dict[str, Any]) -> dict[str, Any]:
    # A VARCHAR(1024) in a non-strict SQL mode: longer values are cut, not refused.
    return {k: v[:VALUE_MAX] if isinstance(v, str) else v for k, v in attributes.items()}


def _drop_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    # Attributes past the 100th dropped instead of refused.
    return dict(list(attributes.items())[:ATTRIBUTES_MAX])


async def _items_limit_inclusive(ctx: FaultContext, request: Message) -> Message | None:
    # `>=` where the limit says `>`: a list of exactly 500 items is refused.
    items = (capture_body(request) or {}).get("order_items")
    if isinstance(items, list) and len(items) >= ITEMS_MAX:
        return _invalid(
            "order_items", f"Ensure this field has no more than {ITEMS_MAX - 1} elements."
        )
    return None


fault(
    "order_length_counted_in_bytes",
    "CO-REQ-04",
    kind=VALIDATION,
    does="refuses an order number of at most 128 characters that has more than 128 UTF-8 bytes",
    on_request=_order_length_in_bytes,
)
fault(
    "items_past_limit_truncated",
    "CO-REQ-04",
    kind=VALIDATION,
    does="cuts `order_items` past 500 entries to the first 500 instead of answering 400",
    on_request=_edit_items(_truncate_items),
)
fault(
    "item_limit_inclusive",
    "CO-REQ-04",
    kind=VALIDATION,
    does="answers 400 for exactly 500 items (`>=` for `>`)",
    on_request=_items_limit_inclusive,
)
fault(
    "pks_past_int64_saturated",
    "CO-REQ-04",
    kind=VALIDATION,
    does="reads a pk past 2**63-1 as 2**63-1 instead of answering 400",
    on_request=_edit_items(_saturate_pks),
)
fault(
    "attribute_values_truncated",
    "CO-REQ-04",
    kind=VALIDATION,
    does="cuts attribute values past 1,024 characters instead of answering 400",
    on_request=_edit_items(_attributes(_truncate_values)),
)
fault(
    "attributes_past_limit_dropped",
    "CO-REQ-04",
    kind=VALIDATION,
    does="drops attributes past the 100th instead of answering 400",
    on_request=_edit_items(_attributes(_drop_attributes)),
)


def _unmark(statuses: tuple[int, ...]) -> Callable[[FaultContext, Message, Message], Any]:
    async def hook(ctx: FaultContext, request: Message, response: Message) -> None:
        if response.status in statuses:
            response.set_header("Idempotent-Replayed", None)

    return hook


fault(
    "replayed_422s_unmarked",
    "CO-IDEM-01",
    kind=IDEMPOTENCY,
    # A stored 409 unmarked the older suite already saw: its races replay the order's 409.
    does="replays a stored 422 without `Idempotent-Replayed` (200, 404 and 409 replays marked)",
    on_response=_unmark((422,)),
)

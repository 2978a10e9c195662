"""Object-level authorization: another channel's order is as good as nonexistent."""

from __future__ import annotations

from capture_order.conformance.context import CheckContext
from capture_order.conformance.needs import FOREIGN_TOKEN_HINT, Grant, Needs
from capture_order.conformance.order_expectations import expect_untouched
from capture_order.conformance.registry import check

# What must be identical between the two 404s (CO-OLA-02).
COMPARED = ("type", "title", "code", "detail")


def _foreign_token(given: Grant) -> str | None:
    return None if given.settings.foreign_token else f"needs {FOREIGN_TOKEN_HINT}"


@check(
    "CO-OLA-01/foreign-order-404",
    "CO-OLA-01/foreign-order-untouched",
    needs=Needs(foreign_orders=1),
    case_needs={"CO-OLA-01/foreign-order-untouched": _foreign_token},
)
def foreign_order_is_not_found(ctx: CheckContext) -> None:
    """Capturing another channel's order is 404 order_not_found and captures nothing."""
    order = ctx.foreign_order()
    attempt = ctx.capture(order.number)
    ctx.expect_status(
        attempt,
        404,
        "CO-OLA-01/foreign-order-404",
        "Another channel's order was not answered 404",
        code="order_not_found",
    )
    if ctx.allowed("CO-OLA-01/foreign-order-untouched"):
        own = ctx.capture(order.number, token=ctx.foreign_token())
        title = "Another channel's token captured the order"
        expect_untouched(ctx, own, order, "CO-OLA-01/foreign-order-untouched", title, [attempt])


@check("CO-OLA-02/same-404", needs=Needs(foreign_listed=True))
def foreign_order_is_indistinguishable_from_unknown(ctx: CheckContext) -> None:
    """The 404 for another channel's order equals the 404 for a number that does not exist."""
    foreign = ctx.settings.foreign_orders[-1]
    unknown = ctx.capture(ctx.unknown_order())
    theirs = ctx.capture(foreign.number)
    a, b = unknown.json(), theirs.json()
    a = a if isinstance(a, dict) else {}
    b = b if isinstance(b, dict) else {}
    differences = []
    if unknown.status != theirs.status:
        differences.append(f"status {unknown.status} vs {theirs.status}")
    if unknown.media_type != theirs.media_type:
        differences.append(f"media type {unknown.media_type} vs {theirs.media_type}")
    differences += [f"{k} {a.get(k)!r} vs {b.get(k)!r}" for k in COMPARED if a.get(k) != b.get(k)]
    if sorted(a) != sorted(b):
        differences.append(f"fields {sorted(a)} vs {sorted(b)}")
    ctx.expect(
        not differences and theirs.status == 404,
        "CO-OLA-02/same-404",
        "Another channel's order is answered differently from an unknown one",
        expected="the same 404 (status, media type, type, title, code, detail, fields)",
        received="; ".join(differences) or f"{theirs.status} for both",
        exchanges=[unknown, theirs],
    )

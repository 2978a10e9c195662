"""Faults each breaking one clause that had no case before clause coverage (issue 23, part 1):
a listed cancelled status, the cumulative `captured_amount`, a three-digit currency, and the
path judged before the method."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.faults.edits import on_order, order_number, problem
from tests.faults.registry import FaultContext, Message, fault

CLAUSES = "clause coverage"
SLASHLESS = "/capture-order"


def _status_of(ctx: FaultContext, number: str | None) -> str | None:
    found = [o for o in ctx.fixtures.get("uncapturable_orders", []) if o["number"] == number]
    return found[0].get("status") if found else None


def _cancelled_status_dropped(status: str) -> Any:
    # The status missing from the cancelled list: its orders are merely "not capturable".
    async def hook(ctx: FaultContext, request: Message, response: Message) -> Message | None:
        if response.code == "order_cancelled" and _status_of(ctx, order_number(request)) == status:
            return problem(
                409,
                "order_not_capturable",
                "Order not capturable",
                "This order cannot be captured.",
            )
        return None

    return hook


def _captured_amount_of_this_capture(body: dict[str, Any]) -> None:
    # `captured_amount` written from this request's capture, not from the order's total.
    capture = body.get("capture")
    if isinstance(capture, dict):
        body["captured_amount"] = capture.get("amount")


def _fourth_digit_in_three_digit_currencies(body: dict[str, Any]) -> None:
    # Fils kept to four places (a float rounded to 4 digits): half a fils on the shipping.
    if body.get("currency") in ("kwd", "bhd", "omr", "jod", "iqd"):
        shipping = body.get("shipping_amount")
        if isinstance(shipping, Decimal | int) and not isinstance(shipping, bool):
            body["shipping_amount"] = shipping + Decimal("0.0005")


async def _method_before_path(ctx: FaultContext, request: Message) -> Message | None:
    # The router matches methods before paths: the slashless path with another method is 405.
    path = request.path.split("?", 1)[0]
    if path.endswith(SLASHLESS) and request.method.upper() != "POST":
        answer = problem(405, "method_not_allowed", "Method not allowed", "Use POST.")
        answer.set_header("Allow", "POST")
        return answer
    return None


fault(
    "status_50_not_cancelled",
    "CO-CAP-06",
    kind=CLAUSES,
    does="answers an order in status `50` 409 order_not_capturable (not order_cancelled)",
    on_response=_cancelled_status_dropped("50"),
)
fault(
    "status_100_not_cancelled",
    "CO-CAP-06",
    kind=CLAUSES,
    does="answers an order in status `100` 409 order_not_capturable (not order_cancelled)",
    on_response=_cancelled_status_dropped("100"),
)
fault(
    "captured_amount_of_this_capture",
    "CO-CAP-08",
    kind=CLAUSES,
    does="reports `captured_amount` as this capture's amount alone, not the order's total",
    on_response=on_order(_captured_amount_of_this_capture),
)
fault(
    "fourth_digit_in_three_digit_currencies",
    "CO-MON-03",
    kind=CLAUSES,
    does="adds half a fils (0.0005) to `shipping_amount` of orders in three-digit currencies",
    on_response=on_order(_fourth_digit_in_three_digit_currencies),
)
fault(
    "method_judged_before_path",
    "CO-REQ-10",
    "CO-ERR-05",
    kind=CLAUSES,
    does="answers another method than POST on the path without its slash 405, not 404",
    on_request=_method_before_path,
)

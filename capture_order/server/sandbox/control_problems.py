"""The control API's problems: its codes in the server's `ProblemTable`, and their exception.

The capture contract's table (`server.problem_types`) holds exactly the contract's codes, so the
sandbox's own live here; both APIs' documents come from the one builder (`ProblemTable`).
"""

from __future__ import annotations

from typing import ClassVar

from capture_order.server.problem_types import PROBLEM_TYPES, ProblemTable, ProblemType
from capture_order.server.problems import ApiProblem

_TYPES = {
    p.code: p
    for p in (
        # The problems both APIs answer alike are the capture table's own.
        PROBLEM_TYPES["malformed_json"],
        ProblemType(
            "invalid_request", 400, "Invalid request", "The request does not match the schema."
        ),
        ProblemType(
            "not_authenticated",
            401,
            "Authentication required",
            "Send Authorization: Bearer <admin token>, the token serve --sandbox printed.",
        ),
        ProblemType(
            "authentication_failed",
            401,
            "Authentication failed",
            "The admin token is wrong; use the one serve --sandbox printed.",
        ),
        ProblemType(
            "client_not_allowed",
            403,
            "Client not allowed",
            "The sandbox answers loopback clients only; start the server with --sandbox-host "
            "to allow others.",
        ),
        PROBLEM_TYPES["not_found"],
        ProblemType("order_not_found", 404, "Order not found", "No order has this number."),
        ProblemType("fault_not_found", 404, "Fault not found", "No fault with this id is armed."),
        ProblemType(
            "method_not_allowed",
            405,
            "Method not allowed",
            "This path does not support this method.",
        ),
        ProblemType(
            "order_exists",
            409,
            "Order exists",
            "The channel already has an order with this number.",
        ),
        ProblemType(
            "ambiguous_order",
            409,
            "Ambiguous order",
            "Orders of several channels have this number; name the channel.",
        ),
        PROBLEM_TYPES["request_too_large"],
        PROBLEM_TYPES["unsupported_media_type"],
        ProblemType("unknown_channel", 422, "Unknown channel", "No sales channel has this id."),
        ProblemType(
            "unknown_currency",
            422,
            "Unknown currency",
            "The currency is not one of the capture contract's.",
        ),
        ProblemType(
            "invalid_amount",
            422,
            "Invalid amount",
            "An amount has more fractional digits than its currency.",
        ),
        ProblemType(
            "items_mismatch",
            422,
            "Items mismatch",
            "items and amounts disagree, or the state needs more items.",
        ),
        ProblemType(
            "not_applicable",
            422,
            "Not applicable",
            "A parameter does not apply to this fault kind.",
        ),
        ProblemType(
            "clock_out_of_range",
            422,
            "Clock out of range",
            "The clock can show times from 2000-01-01 to before 3000-01-01 only.",
        ),
        ProblemType(
            "internal_error",
            500,
            "Internal server error",
            "The server failed unexpectedly. Retry later.",
        ),
    )
}

SANDBOX_PROBLEMS = ProblemTable(
    _TYPES,
    status_codes={
        400: "invalid_request",
        401: "not_authenticated",
        404: "not_found",
        405: "method_not_allowed",
        413: "request_too_large",
        415: "unsupported_media_type",
    },
    status_headers={401: {"WWW-Authenticate": "Bearer"}},
    code_headers={},
)


class ControlProblem(ApiProblem):
    """A control request answered with a problem of one of the sandbox's codes."""

    problems: ClassVar[ProblemTable] = SANDBOX_PROBLEMS

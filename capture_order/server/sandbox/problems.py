"""The control API's problems: one table of codes, the exception that carries one, its response.

The capture contract's table (`server.problem_types`) holds exactly the contract's codes, so the
sandbox's own live here, in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from capture_order.server import wire
from capture_order.server.problem_types import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES

# code -> (status, title, default detail)
PROBLEMS: dict[str, tuple[int, str, str]] = {
    "malformed_json": (400, "Malformed JSON", "The request body is not well-formed UTF-8 JSON."),
    "invalid_request": (400, "Invalid request", "The request does not match the schema."),
    "not_authenticated": (
        401,
        "Authentication required",
        "Send Authorization: Bearer <admin token>, the token serve --sandbox printed.",
    ),
    "authentication_failed": (
        401,
        "Authentication failed",
        "The admin token is wrong; use the one serve --sandbox printed.",
    ),
    "client_not_allowed": (
        403,
        "Client not allowed",
        "The sandbox answers loopback clients only; start the server with --sandbox-host "
        "to allow others.",
    ),
    "not_found": (404, "Not found", "There is nothing at this path."),
    "order_not_found": (404, "Order not found", "No order has this number."),
    "fault_not_found": (404, "Fault not found", "No fault with this id is armed."),
    "method_not_allowed": (
        405,
        "Method not allowed",
        "This path does not support this method.",
    ),
    "order_exists": (409, "Order exists", "The channel already has an order with this number."),
    "ambiguous_order": (
        409,
        "Ambiguous order",
        "Orders of several channels have this number; name the channel.",
    ),
    "request_too_large": (
        413,
        "Request too large",
        PROBLEM_TYPES["request_too_large"].default_detail,
    ),
    "unsupported_media_type": (
        415,
        "Unsupported media type",
        "Send the body as application/json.",
    ),
    "unknown_channel": (422, "Unknown channel", "No sales channel has this id."),
    "unknown_currency": (
        422,
        "Unknown currency",
        "The currency is not one of the capture contract's.",
    ),
    "invalid_amount": (
        422,
        "Invalid amount",
        "An amount has more fractional digits than its currency.",
    ),
    "items_mismatch": (
        422,
        "Items mismatch",
        "items and amounts disagree, or the state needs more items.",
    ),
    "not_applicable": (422, "Not applicable", "A parameter does not apply to this fault kind."),
    "clock_out_of_range": (
        422,
        "Clock out of range",
        "The clock can show times from 2000-01-01 to before 3000-01-01 only.",
    ),
    "internal_error": (
        500,
        "Internal server error",
        "The server failed unexpectedly. Retry later.",
    ),
}
BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class ControlError(Exception):
    """A control request answered with a problem of one of the codes above."""

    def __init__(
        self,
        code: str,
        detail: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})


def problem_document(
    code: str, detail: str | None = None, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """The problem+json body of a code."""
    status, title, default_detail = PROBLEMS[code]
    document: dict[str, Any] = {
        "type": "/problems/" + code.replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail or default_detail,
        "code": code,
    }
    if errors:
        document["errors"] = errors
    return document


def problem_response(problem: ControlError) -> Response:
    """The response of a problem, with the 401 challenge where it is one."""
    document = problem_document(problem.code, problem.detail, problem.errors)
    headers = dict(problem.headers)
    if document["status"] == 401:
        headers.update(BEARER_CHALLENGE)
    return Response(
        wire.dumps(document), document["status"], headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )

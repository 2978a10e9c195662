"""One table: every error code -> its problem type (status, title, type URI) and its headers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from capture_order.contract.facts import request_limits

PROBLEM_MEDIA_TYPE = "application/problem+json"
AUTH_CHALLENGE = {"WWW-Authenticate": "Token"}


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its code, HTTP status and title, the same on every occurrence."""

    code: str
    status: int
    title: str
    default_detail: str

    @property
    def type(self) -> str:
        """The relative problem type URI (CO-ERR-04)."""
        return "/problems/" + self.code.replace("_", "-")


PROBLEM_TYPES: dict[str, ProblemType] = {
    p.code: p
    for p in (
        ProblemType(
            "malformed_json",
            400,
            "Malformed JSON",
            "The request body is not well-formed UTF-8 JSON.",
        ),
        ProblemType(
            "invalid_request",
            400,
            "Invalid request",
            "The request does not match the CaptureOrder schema.",
        ),
        ProblemType(
            "not_authenticated", 401, "Authentication required", "Send Authorization: Token <key>."
        ),
        ProblemType(
            "authentication_failed",
            401,
            "Authentication failed",
            "The token is malformed or unknown.",
        ),
        ProblemType(
            "order_not_found",
            404,
            "Order not found",
            "No order with this number exists in your sales channel.",
        ),
        ProblemType("not_found", 404, "Not found", "There is nothing at this path."),
        ProblemType(
            "method_not_allowed", 405, "Method not allowed", "This path supports POST only."
        ),
        ProblemType(
            "order_already_captured",
            409,
            "Order already captured",
            "Every item of this order is already captured.",
        ),
        ProblemType(
            "order_item_already_captured",
            409,
            "Order item already captured",
            "A listed order item is already captured; nothing was captured.",
        ),
        ProblemType(
            "order_cancelled",
            409,
            "Order cancelled",
            "This order is cancelled; it cannot be captured.",
        ),
        ProblemType(
            "order_refunded",
            409,
            "Order refunded",
            "This order is refunded; it cannot be captured.",
        ),
        ProblemType(
            "order_not_capturable",
            409,
            "Order not capturable",
            "This order's status does not allow a capture.",
        ),
        ProblemType(
            "idempotency_request_in_progress",
            409,
            "Request in progress",
            "A request with this Idempotency-Key is still in progress; "
            "retry after the time in Retry-After.",
        ),
        ProblemType(
            "request_too_large",
            413,
            "Request too large",
            f"The request body exceeds {request_limits().body_bytes} bytes.",
        ),
        ProblemType(
            "unsupported_media_type",
            415,
            "Unsupported media type",
            "Send the body as application/json.",
        ),
        ProblemType(
            "order_item_not_found",
            422,
            "Order item not found",
            "A listed order item is not an item of this order; nothing was captured.",
        ),
        ProblemType(
            "duplicate_order_item",
            422,
            "Duplicate order item",
            "An order item is listed more than once; nothing was captured.",
        ),
        ProblemType(
            "idempotency_key_reused",
            422,
            "Idempotency key reused",
            "This Idempotency-Key was used with a different request body.",
        ),
        ProblemType(
            "service_unavailable",
            503,
            "Service unavailable",
            "The server cannot take captures right now; nothing was captured. "
            "Retry after the time in Retry-After.",
        ),
        ProblemType(
            "internal_error",
            500,
            "Internal server error",
            "The server failed unexpectedly; nothing was captured. Retry later.",
        ),
    )
}

# The problem for a bare HTTP status raised by Connexion or Starlette themselves.
STATUS_CODES = {
    400: "invalid_request",
    401: "not_authenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}

# Headers each problem carries beyond the body (CO-AUTH-02, CO-REQ-08, CO-IDEM-03).
STATUS_HEADERS: dict[int, dict[str, str]] = {401: AUTH_CHALLENGE, 405: {"Allow": "POST"}}
CODE_HEADERS: dict[str, dict[str, str]] = {"idempotency_request_in_progress": {"Retry-After": "1"}}


@dataclass(frozen=True)
class ProblemTable:
    """The problems one API answers with: its codes, and the headers that go with them."""

    types: Mapping[str, ProblemType]
    status_codes: Mapping[int, str]  # a bare HTTP status raised by Connexion or Starlette
    status_headers: Mapping[int, Mapping[str, str]]
    code_headers: Mapping[str, Mapping[str, str]]

    def document(
        self, code: str, detail: str | None = None, errors: Mapping[str, list[str]] | None = None
    ) -> dict[str, Any]:
        """The problem+json body for an error code."""
        kind = self.types[code]
        document: dict[str, Any] = {
            "type": kind.type,
            "title": kind.title,
            "status": kind.status,
            "detail": detail or kind.default_detail,
            "code": kind.code,
        }
        if errors:
            document["errors"] = {field: list(messages) for field, messages in errors.items()}
        return document

    def headers(self, code: str) -> dict[str, str]:
        """The headers that go with a problem of this code."""
        kind = self.types[code]
        return {**self.status_headers.get(kind.status, {}), **self.code_headers.get(code, {})}


# The capture API's problems (the spec's codes).
CAPTURE_PROBLEMS = ProblemTable(PROBLEM_TYPES, STATUS_CODES, STATUS_HEADERS, CODE_HEADERS)


def problem_document(
    code: str, detail: str | None = None, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """The capture API's problem+json body for an error code."""
    return CAPTURE_PROBLEMS.document(code, detail, errors)

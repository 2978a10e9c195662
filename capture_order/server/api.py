"""The captureOrder handler: HTTP in, the capture service, HTTP out. Nothing else."""

from __future__ import annotations

from typing import Any

from connexion.context import context
from starlette.requests import Request
from starlette.responses import Response

from capture_order.server.capture_service import Reply
from capture_order.server.request_validation import validated_body
from capture_order.server.services import log_fields, services_of

IDEMPOTENCY_HEADER = b"idempotency-key"


async def captureOrder(request: Request) -> Response:
    """POST /capture-order/: capture an order in full or in part (the spec's captureOrder)."""
    scope = request.scope
    body = validated_body(scope)
    # What the security handler returned for this request (`security.token_info`).
    channel_id: int = context["token_info"]["channel_id"]
    key = next((v.decode("latin-1") for k, v in scope["headers"] if k == IDEMPOTENCY_HEADER), None)
    reply = await services_of(scope).capture.capture(channel_id, body, key)
    note(scope, body["order"], reply)
    return response(reply)


def response(reply: Reply) -> Response:
    """The reply as sent: the Order as JSON, problems as problem+json, replays marked."""
    answer = reply.answer
    headers = answer.headers(replayed=reply.replayed)
    return Response(answer.body, answer.status, headers=headers, media_type=answer.media_type)


def note(request_scope: Any, order: str, reply: Reply) -> None:
    """The order number and the outcome, for the access log line."""
    fields = log_fields(request_scope)
    fields["order"] = order[:128]
    outcome = reply.answer.outcome
    fields["result"] = f"replayed:{outcome}" if reply.replayed else outcome

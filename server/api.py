"""The captureOrder handler: HTTP in, domain request to the store, HTTP out. Nothing else."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from connexion.context import context, scope
from starlette.responses import Response

from server.domain.capture import CaptureRequest, RequestedItem
from server.domain.errors import IdempotencyKeyReusedError, IdempotencyRequestInProgressError
from server.problems import PROBLEM_MEDIA_TYPE, capture_error_document, problem_headers
from server.representation import render
from server.services import note_capture, services_of
from server.store import KeyState, StoredResponse
from server.wire import dumps

IDEMPOTENCY_HEADER = "idempotency-key"


def capture_request(body: dict[str, Any]) -> CaptureRequest:
    """The domain request for a schema-valid body."""
    items = body.get("order_items")
    return CaptureRequest(
        order_number=body["order"],
        items=None
        if items is None
        else tuple(RequestedItem(item["pk"], item.get("attributes")) for item in items),
    )


def fingerprint(body: dict[str, Any]) -> str:
    """The request's identity for idempotency: sha256 of its canonical JSON."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def http_response(stored: StoredResponse, *, replayed: bool = False) -> Response:
    """A stored response as sent: the Order as JSON, problems as problem+json."""
    headers: dict[str, str] = {"Idempotent-Replayed": "true"} if replayed else {}
    if stored.status == 200:
        media_type = "application/json"
    else:
        media_type = PROBLEM_MEDIA_TYPE
        code = json.loads(stored.body)["code"]
        headers.update(problem_headers(code))
    return Response(stored.body, stored.status, headers=headers, media_type=media_type)


def captureOrder(body: dict[str, Any]) -> Response:
    """POST /capture-order/: capture an order in full or in part (the spec's captureOrder)."""
    services = services_of(scope)
    channel_id: int = context["token_info"]["channel_id"]
    request = capture_request(body)
    now = services.clock()
    raw_key = dict(scope["headers"]).get(IDEMPOTENCY_HEADER.encode())
    key = None if raw_key is None else raw_key.decode("latin-1")
    if key is not None:
        state = services.store.begin_idempotent(
            channel_id, key, fingerprint(body), now, services.settings.idempotency_retention
        )
        if isinstance(state, StoredResponse):
            note_capture(scope, request.order_number, state, replayed=True)
            return http_response(state, replayed=True)
        if state is not KeyState.STARTED:
            refused = (
                IdempotencyRequestInProgressError()
                if state is KeyState.IN_PROGRESS
                else IdempotencyKeyReusedError()
            )
            note_capture(scope, request.order_number, refused.code, replayed=False)
            document = capture_error_document(refused)
            return http_response(StoredResponse(document["status"], dumps(document)))
    try:
        stored = services.store.capture(channel_id, request, now, render, key)
    except BaseException:
        if key is not None:
            services.store.release_idempotent(channel_id, key)
        raise
    note_capture(scope, request.order_number, stored, replayed=False)
    return http_response(stored)

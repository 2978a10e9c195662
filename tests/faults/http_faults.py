"""Faults in statuses, media types and error documents: what every error path can get wrong."""

from __future__ import annotations

import json
import re
from typing import Any

from capture_order.contract.facts import request_limits
from tests.faults.edits import capture_body, on_problem, problem, valid_token
from tests.faults.registry import FaultContext, Message, fault

HTTP = "media types and status codes"
ROBUSTNESS = "robustness"
HYGIENE = "error hygiene"
PRECEDENCE = "precedence"
INT32_MAX = 2**31 - 1
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/capture/views.py", line 88, in capture_order\n'
    "    payload = json.loads(request.body)\n"
    "json.decoder.JSONDecodeError: Expecting value: line 1 column 11 (char 10)"
)


async def _created(ctx: FaultContext, request: Message, response: Message) -> None:
    # "A capture creates something": 201 instead of the documented 200.
    if response.status == 200:
        response.status = 201


async def _plain_json_errors(ctx: FaultContext, request: Message, response: Message) -> None:
    # Error bodies sent with the framework's default JSON media type.
    if response.status >= 400:
        response.set_header("Content-Type", "application/json")


def _drf_shape(body: dict[str, Any]) -> None:
    # Upstream's bare DRF body kept: `detail` and `code` only.
    for name in ("type", "title", "status", "errors"):
        body.pop(name, None)


async def _not_found_as_400(ctx: FaultContext, request: Message, response: Message) -> None:
    # A lookup failure reported as a bad request.
    body = response.json()
    if response.status == 404 and isinstance(body, dict):
        response.status = body["status"] = 400
        response.set_json(body)


async def _no_allow(ctx: FaultContext, request: Message, response: Message) -> None:
    # A 405 from a router that does not say what is allowed.
    if response.status == 405:
        response.set_header("Allow", None)


async def _unicode_error(ctx: FaultContext, request: Message) -> Message | None:
    # A handler that encodes bodies as ASCII somewhere and lets the exception escape.
    if any(byte >= 0x80 for byte in request.body):
        return Message(
            status=500, headers=[("content-type", "text/plain")], body=b"Internal Server Error"
        )
    return None


def _large_pk(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_large_pk(v) for v in node.values())
    if isinstance(node, list):
        return any(_large_pk(v) for v in node)
    return isinstance(node, int) and not isinstance(node, bool) and node > INT32_MAX


async def _int32_overflow(ctx: FaultContext, request: Message) -> Message | None:
    # pks stored in a 32-bit column: a larger one overflows in the database driver.
    body = capture_body(request)
    if body is not None and _large_pk(body.get("order_items")):
        return problem(500, "internal_error", "Internal server error", "Unexpected error.")
    return None


def _traceback(body: dict[str, Any]) -> None:
    # DEBUG left on: the exception text ends up in `detail`.
    body["detail"] = f"{body.get('detail')}\n{TRACEBACK}"


async def _token_echoed(ctx: FaultContext, request: Message, response: Message) -> None:
    # "Helpful" 401s that quote the credential they refused.
    body = response.json()
    sent = request.header("authorization")
    if response.status == 401 and sent and isinstance(body, dict):
        body["detail"] = f"Invalid credentials: {sent!r}."
        response.set_json(body)


def _media_type(request: Message) -> str:
    return (request.header("content-type") or "").split(";")[0].strip().lower()


def _malformed(body: bytes) -> bool:
    try:
        json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return True
    return False


async def _auth_after_body(ctx: FaultContext, request: Message) -> Message | None:
    # The body is checked before the token: an unauthenticated bad body gets a 415 or 400.
    if valid_token(ctx, request) or request.method != "POST" or not request.body:
        return None
    if _media_type(request) != "application/json":
        return problem(
            415, "unsupported_media_type", "Unsupported media type", "Send application/json."
        )
    if _malformed(request.body):
        return problem(400, "malformed_json", "Malformed JSON", "The body is not well-formed JSON.")
    return None


async def _json_before_media_type(ctx: FaultContext, request: Message) -> Message | None:
    # The body is parsed before its media type is looked at.
    if not valid_token(ctx, request) or request.method != "POST" or not request.body:
        return None
    if _media_type(request) != "application/json" and _malformed(request.body):
        return problem(400, "malformed_json", "Malformed JSON", "The body is not well-formed JSON.")
    return None


def _unindexed_item_errors(body: dict[str, Any]) -> None:
    # DRF-style field errors: the list is named, the item in it is not.
    errors = body.get("errors")
    if isinstance(errors, dict):
        body["errors"] = {
            ("order_items" if str(k).startswith("order_items[") else k): v
            for k, v in errors.items()
        }


async def _key_after_body(ctx: FaultContext, request: Message) -> Message | None:
    # The Idempotency-Key looked at only once the body parsed: a malformed body wins.
    key = request.header("idempotency-key")
    bad_key = key is not None and not re.match(
        rf"^[\x20-\x7E]{{1,{request_limits().key_max}}}$", key
    )
    json_body = _media_type(request) == "application/json"
    if valid_token(ctx, request) and bad_key and json_body and _malformed(request.body):
        return problem(400, "malformed_json", "Malformed JSON", "The body is not well-formed JSON.")
    return None


async def _type_by_path(ctx: FaultContext, request: Message, response: Message) -> None:
    # Two code paths raise the same error: the partial-capture one with a generic type.
    body = response.json()
    partial = "order_items" in (capture_body(request) or {})
    if response.status == 409 and partial and isinstance(body, dict):
        body["type"] = "/problems/conflict"
        response.set_json(body)


fault(
    "capture_answered_201",
    "CO-RSP-01",
    kind=HTTP,
    does="answers a successful capture 201 instead of 200",
    on_response=_created,
)
fault(
    "errors_as_plain_json",
    "CO-ERR-01",
    kind=HTTP,
    does="sends every error as `application/json` instead of `application/problem+json`",
    on_response=_plain_json_errors,
)
fault(
    "errors_in_drf_shape",
    "CO-ERR-01",
    kind=HTTP,
    does="sends errors as upstream's `{detail, code}` (no `type`, `title`, `status`)",
    on_response=on_problem(_drf_shape),
)
fault(
    "not_found_as_bad_request",
    "CO-OLA-01",
    kind=HTTP,
    does="answers 404 order_not_found with status 400",
    on_response=_not_found_as_400,
)
fault(
    "method_not_allowed_without_allow",
    "CO-REQ-08",
    kind=HTTP,
    does="removes `Allow` from 405 responses",
    on_response=_no_allow,
)
fault(
    "server_error_on_unicode",
    "CO-ERR-03",
    kind=ROBUSTNESS,
    does="answers 500 text/plain to any body with a non-ASCII byte",
    on_request=_unicode_error,
)
fault(
    "server_error_on_large_pk",
    "CO-ERR-03",
    kind=ROBUSTNESS,
    does="answers 500 (a proper problem) when a pk exceeds 2^31-1",
    on_request=_int32_overflow,
)
fault(
    "traceback_in_error",
    "CO-ERR-02",
    kind=HYGIENE,
    does="appends a Python traceback to the `detail` of 400 errors",
    on_response=on_problem(_traceback, 400),
)
fault(
    "token_in_error",
    "CO-ERR-02",
    kind=HYGIENE,
    does="quotes the `Authorization` value sent in the 401 `detail`",
    on_response=_token_echoed,
)
fault(
    "auth_checked_after_body",
    "CO-ERR-05",
    kind=PRECEDENCE,
    does="answers an unauthenticated request with the 400/413/415 its body deserves",
    on_request=_auth_after_body,
)
fault(
    "json_parsed_before_media_type",
    "CO-ERR-05",
    kind=PRECEDENCE,
    does="answers a malformed non-JSON body 400 malformed_json instead of 415",
    on_request=_json_before_media_type,
)
fault(
    "item_errors_unindexed",
    "CO-ERR-06",
    kind="error documents",
    does="names `order_items` instead of `order_items[<index>].pk` in item errors",
    on_response=on_problem(_unindexed_item_errors, 409, 422),
)
fault(
    "key_checked_after_body",
    "CO-ERR-05",
    kind=PRECEDENCE,
    does="answers malformed JSON with an invalid `Idempotency-Key` 400 malformed_json",
    on_request=_key_after_body,
)
fault(
    "problem_type_depends_on_path",
    "CO-ERR-04",
    kind="error documents",
    does="types 409s of partial captures `/problems/conflict`, others by their code",
    on_response=_type_by_path,
)

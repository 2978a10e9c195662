"""Faults in reading the body: not I-JSON, nesting, and how errors of the whole body are named."""

from __future__ import annotations

import json
import re
from typing import Any

from capture_order.conformance.judge.broken import raw_depth
from tests.faults.edits import problem
from tests.faults.registry import FaultContext, Message, fault

VALIDATION = "validation"
LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _last_member_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(pairs)


async def _duplicate_members_last_wins(ctx: FaultContext, request: Message) -> None:
    # A JSON parser keeping the last of two same-named members (Python's json, many others).
    try:
        pairs: Any = json.loads(request.body, object_pairs_hook=lambda p: p)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return
    if _has_duplicates(pairs):
        request.body = json.dumps(json.loads(request.body)).encode()


def _has_duplicates(node: Any) -> bool:
    if isinstance(node, list) and node and all(isinstance(p, tuple) for p in node):
        names = [name for name, _ in node]
        return len(set(names)) != len(names) or any(_has_duplicates(v) for _, v in node)
    if isinstance(node, list):
        return any(_has_duplicates(v) for v in node)
    return False


async def _surrogates_replaced(ctx: FaultContext, request: Message) -> None:
    # Escaped lone surrogates decoded leniently (U+FFFD) instead of refused.
    request.body = LONE_SURROGATE.sub(rb"\\ufffd", request.body)


async def _empty_body_is_empty_object(ctx: FaultContext, request: Message) -> None:
    # An empty JSON body read as `{}` (as some body parsers do): a schema error, not malformed.
    if request.method == "POST" and not request.body and request.header("content-type"):
        request.body = b"{}"


async def _root_errors_named_body(ctx: FaultContext, request: Message, response: Message) -> None:
    # An error of the body as a whole named after the framework's parameter (`body`).
    body = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, dict) and "non_field_errors" in errors:
        errors["body"] = errors.pop("non_field_errors")
        response.set_json(body)


async def _shallow_parser(ctx: FaultContext, request: Message) -> Message | None:
    # A JSON parser with a depth limit of 16: a 32-level body is refused as malformed.
    if 16 < raw_depth(request.body) <= 1_000:
        return problem(
            400, "malformed_json", "Malformed JSON", "The request body is nested too deeply."
        )
    return None


async def _deep_nesting_crashes(ctx: FaultContext, request: Message) -> Message | None:
    # A recursive parser without a limit: deep nesting overflows the stack, a bare 500.
    if raw_depth(request.body) > 1_000:
        return Message(status=500, headers=[("content-type", "text/plain")], body=b"RecursionError")
    return None


fault(
    "duplicate_members_last_wins",
    "CO-REQ-03",
    kind=VALIDATION,
    does='parses `{"order": a, "order": b}` as its last member instead of 400',
    on_request=_duplicate_members_last_wins,
)


fault(
    "escaped_surrogates_replaced",
    "CO-REQ-03",
    kind=VALIDATION,
    does="turns an escaped lone surrogate into U+FFFD instead of 400",
    on_request=_surrogates_replaced,
)


fault(
    "empty_body_is_empty_object",
    "CO-REQ-03",
    kind=VALIDATION,
    does="reads an empty JSON body as `{}` (400 invalid_request, not malformed_json)",
    on_request=_empty_body_is_empty_object,
)


fault(
    "root_error_named_body",
    "CO-REQ-04",
    kind=VALIDATION,
    does="names an error of the whole body `body` in `errors`, not `non_field_errors`",
    on_response=_root_errors_named_body,
)


fault(
    "parser_depth_limit_16",
    "CO-REQ-09",
    kind=VALIDATION,
    does="refuses bodies nested more than 16 levels as malformed_json (32 must be judged)",
    on_request=_shallow_parser,
)


fault(
    "deep_nesting_crashes",
    "CO-REQ-09",
    kind="robustness",
    does="answers bodies nested more than 1,000 levels with a bare 500",
    on_request=_deep_nesting_crashes,
)

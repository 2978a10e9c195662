"""Faults only an input class catches: each is right for the one example the older cases send.

One fault per request-level class of `x-input-classes` (issue 23): a boundary moved past the
example, a grammar read leniently in a partition the example does not touch.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from capture_order.contract.facts import request_limits
from tests.faults.edits import problem
from tests.faults.registry import FaultContext, Message, fault

CLASSES = "input classes"
JSON_TYPE = re.compile(r"^\s*application/json\s*$")
UNRESERVED_ESCAPE = re.compile(r"%(2[dDeE]|5[fF]|7[eE]|[46][1-9a-fA-F]|[57][0-9aA]|3[0-9])")


async def _json_with_parameters_unsupported(ctx: FaultContext, request: Message) -> Message | None:
    # The media type compared as a string: `application/json; charset=utf-8` is not JSON.
    content_type = request.header("content-type") or ""
    spelled_otherwise = not JSON_TYPE.match(content_type)
    if request.body and spelled_otherwise and content_type.lower().startswith("application/json"):
        return problem(415, "unsupported_media_type", "Unsupported media type", "JSON only.")
    return None


async def _json_suffix_read_as_json(ctx: FaultContext, request: Message) -> None:
    # "Anything with json in it is JSON": `application/merge-patch+json` is parsed as a capture.
    content_type = (request.header("content-type") or "").lower()
    if request.body and "json" in content_type and not content_type.startswith("application/json"):
        request.set_header("Content-Type", "application/json")


# The fault's own limit: 64 bytes over the spec's (a buffer's round size, 65,600 bytes).
LOOSE_LIMIT = request_limits().body_bytes + 64


async def _body_limit_65600(ctx: FaultContext, request: Message) -> None:
    # Bodies just over the spec's limit, up to LOOSE_LIMIT, are taken.
    limit = request_limits().body_bytes
    if limit < len(request.body) <= LOOSE_LIMIT:
        trimmed = request.body.rstrip()
        if len(trimmed) > limit:
            try:
                trimmed = json.dumps(json.loads(trimmed), separators=(",", ":")).encode()
            except ValueError:
                return
        request.body = trimmed


async def _long_key_dropped(ctx: FaultContext, request: Message) -> None:
    # A front that drops header fields over 512 bytes: the key is never seen, so never refused.
    key = request.header("idempotency-key")
    if key is not None and len(key.encode("latin-1")) > 512:
        request.set_header("Idempotency-Key", None)


async def _depth_33_crashes(ctx: FaultContext, request: Message) -> Message | None:
    # A recursive validator with a 32-level stack: one level more and it fails.
    if _depth(request.body) == 33:
        return problem(500, "internal_error", "Internal server error", "recursion")
    return None


def _depth(body: bytes) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def _key_case_insensitive(ctx: FaultContext, request: Message) -> None:
    # Keys compared case-insensitively (a lower-cased index): the key with its case swapped works.
    value = request.header("authorization") or ""
    scheme, _, key = value.partition(" ")
    for valid in ctx.tokens:
        valid_key = valid.split(" ", 1)[-1]
        if key != valid_key and key.lower() == valid_key.lower() and scheme.lower() == "token":
            request.set_header("Authorization", valid)


async def _encoded_path_not_found(ctx: FaultContext, request: Message) -> Message | None:
    # The router matches the raw path: `capture%2Dorder` is another path to it.
    path = request.path.split("?", 1)[0]
    if UNRESERVED_ESCAPE.search(path):
        return problem(404, "not_found", "Not found", "There is nothing at this path.")
    return None


async def _doubled_slash_served(ctx: FaultContext, request: Message) -> None:
    # Empty segments merged before routing (a `merge_slashes` default): `//` is the operation.
    path, _, query = request.path.partition("?")
    merged = re.sub("/{2,}", "/", path)
    if merged != path:
        request.path = merged + (f"?{query}" if query else "")


async def _query_ignored(ctx: FaultContext, request: Message) -> None:
    # Query parameters the operation does not define are ignored instead of refused.
    request.path = request.path.split("?", 1)[0]


async def _trailing_data_ignored(ctx: FaultContext, request: Message) -> None:
    # `raw_decode` reads the first JSON value and ignores what follows it.
    try:
        text = request.body.decode("utf-8")
        value, end = json.JSONDecoder().raw_decode(text.lstrip())
    except (UnicodeDecodeError, ValueError, RecursionError):
        return
    if text.lstrip()[end:].strip():
        request.body = json.dumps(value).encode()


async def _nan_read_as_number(ctx: FaultContext, request: Message) -> None:
    # A parser that takes NaN and Infinity as numbers: the body reaches the schema (400 invalid).
    if not re.search(rb"\b(NaN|-?Infinity)\b", request.body):
        return
    try:
        value = json.loads(request.body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return
    request.body = json.dumps(_finite(value)).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN"  # a string where the schema wants an integer: 400 invalid_request
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


async def _duplicate_attributes_last_wins(ctx: FaultContext, request: Message) -> None:
    # Members named twice are refused at the top level and in items, but `attributes` is read
    # with a plain dict: the last one wins.
    try:
        body = json.loads(request.body, object_pairs_hook=_pairs)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return
    items = body.get("order_items") if isinstance(body, dict) else None
    changed = False
    for item in items if isinstance(items, list) else []:
        pairs = item.get("attributes") if isinstance(item, dict) else None
        if isinstance(pairs, _Pairs):
            names = [k for k, _ in pairs.pairs]
            if len(names) != len(set(names)):
                item["attributes"] = dict(pairs.pairs)
                changed = True
    if changed:
        request.body = json.dumps(body).encode()


class _Pairs(dict[str, Any]):
    """An object as read, with its members in order (names may repeat)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def _pairs(pairs: list[tuple[str, Any]]) -> Any:
    return _Pairs(pairs)


async def _scalar_body_malformed(ctx: FaultContext, request: Message) -> Message | None:
    # A parser in "object or array" mode (RFC 4627's grammar): a bare scalar is malformed.
    stripped = request.body.strip(b" \t\r\n")
    if request.method == "POST" and stripped and stripped[:1] not in (b"{", b"["):
        try:
            json.loads(stripped)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return problem(400, "malformed_json", "Malformed JSON", "Send a JSON object.")
    return None


async def _utf16_decoded(ctx: FaultContext, request: Message) -> None:
    # The charset sniffed from a byte order mark (RFC 4627 section 3): UTF-16 text is read.
    if request.body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            request.body = request.body.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return


fault(
    "json_with_parameters_unsupported",
    "CO-REQ-01",
    kind=CLASSES,
    does="answers 415 for application/json with parameters, another case or spaces",
    on_request=_json_with_parameters_unsupported,
)
fault(
    "json_suffix_read_as_json",
    "CO-REQ-01",
    kind=CLASSES,
    does="reads application/merge-patch+json, text/json and other look-alikes as JSON",
    on_request=_json_suffix_read_as_json,
)
fault(
    "body_limit_65600",
    "CO-REQ-02",
    kind=CLASSES,
    does=f"takes bodies up to {LOOSE_LIMIT:,} bytes (the limit is {request_limits().body_bytes:,})",
    on_request=_body_limit_65600,
)
fault(
    "long_idempotency_key_dropped",
    "CO-REQ-07",
    kind=CLASSES,
    does="drops an Idempotency-Key over 512 bytes (a front's header limit) instead of 400",
    on_request=_long_key_dropped,
)
fault(
    "depth_33_crashes",
    "CO-REQ-09",
    kind=CLASSES,
    does="answers 500 for a body nested exactly 33 levels deep",
    on_request=_depth_33_crashes,
)
fault(
    "key_case_insensitive",
    "CO-AUTH-01",
    kind=CLASSES,
    does="accepts a token's key with its letters' case swapped",
    on_request=_key_case_insensitive,
)
fault(
    "encoded_path_not_found",
    "CO-REQ-10",
    kind=CLASSES,
    does="answers 404 for the path with a percent-encoded unreserved character (capture%2Dorder)",
    on_request=_encoded_path_not_found,
)
fault(
    "doubled_slash_served",
    "CO-REQ-10",
    kind=CLASSES,
    does="merges repeated slashes: /api/v1//capture-order/ is the operation",
    on_request=_doubled_slash_served,
)
fault(
    "query_parameters_ignored",
    "CO-REQ-10",
    kind=CLASSES,
    does="ignores query parameters instead of answering 400",
    on_request=_query_ignored,
)
fault(
    "trailing_data_ignored",
    "CO-REQ-03",
    kind=CLASSES,
    does="reads the first JSON value of a body and ignores what follows it",
    on_request=_trailing_data_ignored,
)
fault(
    "nan_read_as_number",
    "CO-REQ-03",
    kind=CLASSES,
    does="parses NaN and Infinity as numbers (then the schema refuses them: 400 invalid_request)",
    on_request=_nan_read_as_number,
)
fault(
    "duplicate_attributes_last_wins",
    "CO-REQ-03",
    kind=CLASSES,
    does="takes the last of two members of one name inside an item's attributes",
    on_request=_duplicate_attributes_last_wins,
)
fault(
    "scalar_body_malformed",
    "CO-REQ-03",
    kind=CLASSES,
    does='answers a bare JSON scalar (null, 2, "x") as malformed_json, not invalid_request',
    on_request=_scalar_body_malformed,
)
fault(
    "utf16_body_decoded",
    "CO-REQ-03",
    kind=CLASSES,
    does="reads a body starting with a UTF-16 byte order mark as UTF-16 instead of 400",
    on_request=_utf16_decoded,
)

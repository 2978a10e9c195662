"""Faults in request validation: lenient parsing, ignored fields, unchecked headers."""

from __future__ import annotations

import re
from typing import Any

from capture_order.contract.facts import request_limits
from tests.faults.edits import capture_body, problem, with_body
from tests.faults.registry import FaultContext, Message, fault

VALIDATION = "validation"
PRINTABLE_KEY = re.compile(rf"^[\x20-\x7E]{{1,{request_limits().key_max}}}$")


def _set_body(request: Message, body: dict[str, Any]) -> None:
    request.body = with_body(request, body).body


async def _strip_unknown_fields(ctx: FaultContext, request: Message) -> None:
    # A serializer that drops fields it does not know instead of refusing them.
    body = capture_body(request)
    if body is None:
        return
    kept = {k: v for k, v in body.items() if k in ("order", "order_items")}
    if isinstance(kept.get("order_items"), list):
        kept["order_items"] = [
            {k: v for k, v in item.items() if k in ("pk", "attributes")}
            if isinstance(item, dict)
            else item
            for item in kept["order_items"]
        ]
    if kept != body:
        _set_body(request, kept)


async def _coerce_types(ctx: FaultContext, request: Message) -> None:
    # Type coercion instead of validation: 12345 becomes "12345", "7" becomes 7.
    body = capture_body(request)
    if body is None:
        return
    coerced = dict(body)
    if isinstance(body.get("order"), int | float) and not isinstance(body.get("order"), bool):
        coerced["order"] = str(body["order"])
    items = body.get("order_items")
    if isinstance(items, list):
        coerced["order_items"] = [
            {**i, "pk": int(i["pk"])}
            if isinstance(i, dict) and isinstance(i.get("pk"), str) and i["pk"].isdigit()
            else i
            for i in items
        ]
    if coerced != body:
        _set_body(request, coerced)


async def _deduplicate_items(ctx: FaultContext, request: Message) -> None:
    # Duplicates silently collapsed (a set of pks) instead of refused.
    body = capture_body(request)
    items = body.get("order_items") if body else None
    if body is None or not isinstance(items, list):
        return
    seen: set[Any] = set()
    unique = []
    for item in items:
        pk = item.get("pk") if isinstance(item, dict) else None
        if pk is None or not isinstance(pk, int) or pk not in seen:
            unique.append(item)
        if isinstance(pk, int):
            seen.add(pk)
    if len(unique) != len(items):
        _set_body(request, {**body, "order_items": unique})


async def _ignore_invalid_key(ctx: FaultContext, request: Message) -> None:
    # A header validated nowhere: an invalid key is simply not used.
    key = request.header("idempotency-key")
    if key is not None and not PRINTABLE_KEY.match(key):
        request.set_header("Idempotency-Key", None)


async def _any_media_type(ctx: FaultContext, request: Message) -> None:
    # The body is parsed as JSON whatever the Content-Type says.
    if request.method == "POST" and request.body:
        request.set_header("Content-Type", "application/json")


async def _lenient_utf8(ctx: FaultContext, request: Message) -> None:
    # Bodies decoded with errors="replace": invalid UTF-8 becomes U+FFFD instead of a 400.
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        request.body = request.body.decode("utf-8", errors="replace").encode("utf-8")


async def _limit_off_by_one(ctx: FaultContext, request: Message) -> Message | None:
    # `>=` where the limit says `>`: a body of exactly the limit's size is refused.
    limit = request_limits().body_bytes
    if len(request.body) >= limit:
        return problem(
            413,
            "request_too_large",
            "Request too large",
            f"The request body exceeds {limit} bytes.",
        )
    return None


fault(
    "unknown_fields_ignored",
    "CO-REQ-05",
    kind=VALIDATION,
    does="strips fields the schema does not define (top level and items) before forwarding",
    on_request=_strip_unknown_fields,
)
fault(
    "types_coerced",
    "CO-REQ-04",
    kind=VALIDATION,
    does='coerces a numeric `order` to a string and `"7"` pks to integers (invalid accepted)',
    on_request=_coerce_types,
)
fault(
    "duplicate_items_collapsed",
    "CO-REQ-06",
    kind=VALIDATION,
    does="removes repeated pks from `order_items` instead of answering 422",
    on_request=_deduplicate_items,
)
fault(
    "invalid_idempotency_key_ignored",
    "CO-REQ-07",
    kind=VALIDATION,
    does="drops an invalid `Idempotency-Key` instead of answering 400",
    on_request=_ignore_invalid_key,
)
fault(
    "media_type_not_checked",
    "CO-REQ-01",
    kind="media types and status codes",
    does="forwards every POST body as `application/json`",
    on_request=_any_media_type,
)
fault(
    "invalid_utf8_replaced",
    "CO-REQ-03",
    kind=VALIDATION,
    does="decodes invalid UTF-8 with U+FFFD replacement instead of answering 400",
    on_request=_lenient_utf8,
)
fault(
    "size_limit_off_by_one",
    "CO-REQ-02",
    kind=VALIDATION,
    does="answers 413 for a body of exactly the limit (x-max-bytes)",
    on_request=_limit_off_by_one,
)


async def _missing_type_is_json(ctx: FaultContext, request: Message) -> None:
    # A body without Content-Type is taken for JSON (a framework's default).
    if request.body and request.header("content-type") is None:
        request.set_header("Content-Type", "application/json")


async def _last_key_wins(ctx: FaultContext, request: Message) -> None:
    # Of two Idempotency-Key lines, the last one is used (a dict built from the header list).
    keys = [v for k, v in request.headers if k.lower() == "idempotency-key"]
    if len(keys) > 1:
        request.set_header("Idempotency-Key", keys[-1])


fault(
    "missing_content_type_is_json",
    "CO-REQ-01",
    kind=VALIDATION,
    does="reads a body without `Content-Type` as JSON instead of 415",
    on_request=_missing_type_is_json,
)
fault(
    "last_idempotency_key_wins",
    "CO-REQ-07",
    kind=VALIDATION,
    does="of two `Idempotency-Key` lines uses the last instead of 400",
    on_request=_last_key_wins,
)


async def _slashless_path_served(ctx: FaultContext, request: Message) -> None:
    # `APPEND_SLASH` done as an internal rewrite: the path without its slash is the operation.
    if request.path.split("?", 1)[0].endswith("/capture-order"):
        request.path = request.path.replace("/capture-order", "/capture-order/", 1)


fault(
    "slashless_path_served",
    "CO-REQ-10",
    kind="media types and status codes",
    does="serves the operation at the path without its slash too",
    on_request=_slashless_path_served,
)

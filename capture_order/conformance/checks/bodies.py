"""Request bodies: I-JSON only, bounded nesting, the schema, unknown fields, duplicates."""

from __future__ import annotations

import re
from typing import Any

from capture_order.conformance.checks.requests import oversized_body
from capture_order.conformance.context import CheckContext, describe
from capture_order.conformance.http import Exchange
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.order_expectations import expect_capture, expect_untouched
from capture_order.conformance.registry import check

DEPTH_LIMIT = 32


def _malformed(prefix: str) -> list[tuple[str, str, bytes]]:
    """(case, label, body): each names only a generated order number, however it is read."""
    number = prefix.encode() + b"malformed"
    return [
        ("not-json", "truncated JSON", b'{"order": "' + number + b'", '),
        ("not-json", "a form body", b"order=" + number),
        ("not-json", "a trailing comma", b'{"order": "' + number + b'",}'),
        ("invalid-utf8", "invalid UTF-8 in a string", b'{"order": "' + number + b'\xff\xfe"}'),
        ("invalid-utf8", "an overlong UTF-8 encoding", b'{"order": "' + number + b'\xc0\xaf"}'),
        ("invalid-utf8", "an encoded surrogate", b'{"order": "' + number + b'\xed\xa0\x80"}'),
        ("escaped-surrogate", "an escaped lone surrogate", b'{"order": "' + number + b'\\ud800"}'),
        (
            "duplicate-member",
            "`order` twice",
            b'{"order": "' + number + b'", "order": "' + number + b'x"}',
        ),
        (
            "duplicate-member",
            "`pk` twice in an item",
            b'{"order": "' + number + b'", "order_items": [{"pk": 1, "pk": 2}]}',
        ),
        ("empty-body", "an empty body", b""),
    ]


@check(
    "CO-REQ-03/not-json",
    "CO-REQ-03/invalid-utf8",
    "CO-REQ-03/escaped-surrogate",
    "CO-REQ-03/duplicate-member",
    "CO-REQ-03/empty-body",
)
def malformed_json_is_bad_request(ctx: CheckContext) -> None:
    """Bodies that are not I-JSON (RFC 7493) are 400 malformed_json, never 5xx."""
    for case, label, raw in _malformed(ctx.prefix):
        exchange = ctx.capture(
            None,
            raw=raw,
            content_type=None if not raw else "application/json",
            extra_headers={"Content-Type": "application/json"} if not raw else None,
        )
        ctx.expect_status(
            exchange,
            400,
            f"CO-REQ-03/{case}",
            f"Body with {label} was not refused with 400",
            code="malformed_json",
        )


def _names(exchange: Exchange, field: str) -> bool:
    errors = (exchange.json() or {}).get("errors") if isinstance(exchange.json(), dict) else None
    return isinstance(errors, dict) and any(
        re.search(rf"(^|[.\[\]]){re.escape(field)}($|[.\[\]])", str(key)) for key in errors
    )


def _schema_violations(number: str) -> list[tuple[str, str, Any, str]]:
    """(case, label, body, field the errors must name)."""
    return [
        ("missing-order", "no order", {}, "order"),
        ("order-bounds", "empty order", {"order": ""}, "order"),
        ("order-bounds", "order over 128 characters", {"order": number + "C" * 129}, "order"),
        ("order-bounds", "control character in order", {"order": number + "\u0001"}, "order"),
        ("wrong-types", "order not a string", {"order": 12345}, "order"),
        ("wrong-types", "pk not an integer", {"order": number, "order_items": [{"pk": "1"}]}, "pk"),
        (
            "wrong-types",
            "attribute value a number",
            {"order": number, "order_items": [{"pk": 1, "attributes": {"a": 1}}]},
            "attributes",
        ),
        ("item-bounds", "empty order_items", {"order": number, "order_items": []}, "order_items"),
        ("item-bounds", "pk of 0", {"order": number, "order_items": [{"pk": 0}]}, "pk"),
        ("item-bounds", "item without pk", {"order": number, "order_items": [{}]}, "pk"),
        ("root-not-object", "body an array", [{"order": number}], "non_field_errors"),
    ]


def _refused_naming(ctx: CheckContext, ref: str, label: str, body: Any, field: str) -> None:
    """Send the body: expect 400 invalid_request whose `errors` name `field` (if one is given)."""
    exchange = ctx.capture(None, body=body)
    ok = ctx.expect_status(
        exchange, 400, ref, f"Body with {label} was not refused with 400", code="invalid_request"
    )
    if ok and field:
        ctx.expect(
            _names(exchange, field),
            ref,
            f"400 for {label} does not name the field",
            expected=f"errors with a key naming {field!r}",
            received=describe(exchange),
            exchanges=[exchange],
        )


@check(
    "CO-REQ-04/missing-order",
    "CO-REQ-04/order-bounds",
    "CO-REQ-04/wrong-types",
    "CO-REQ-04/item-bounds",
    "CO-REQ-04/root-not-object",
)
def schema_invalid_body_names_the_field(ctx: CheckContext) -> None:
    """Schema violations are 400 invalid_request with `errors` naming the field."""
    for case, label, body, field in _schema_violations(ctx.unknown_order()):
        _refused_naming(ctx, f"CO-REQ-04/{case}", label, body, field)


@check("CO-REQ-05/top-level", "CO-REQ-05/item-level")
def unknown_fields_are_rejected(ctx: CheckContext) -> None:
    """A field the schema does not define, at any level, is 400 naming it."""
    number = ctx.unknown_order()
    for case, label, body, field in (
        (
            "top-level",
            "misspelt order_items",
            {"order": number, "order_item": [{"pk": 1}]},
            "order_item",
        ),
        (
            "item-level",
            "unknown item field",
            {"order": number, "order_items": [{"pk": 1, "qty": 2}]},
            "qty",
        ),
    ):
        _refused_naming(ctx, f"CO-REQ-05/{case}", label, body, field)


@check(
    "CO-REQ-02/nothing-captured",
    "CO-REQ-04/nothing-captured",
    "CO-REQ-05/nothing-captured",
    "CO-REQ-06/duplicate-is-422",
    "CO-REQ-06/nothing-captured",
    needs=Needs(orders=(OrderNeed(),)),
)
def rejected_bodies_capture_nothing(ctx: CheckContext) -> None:
    """Refused bodies for a real order (too large, invalid, misspelt, duplicate) capture nothing."""
    order = ctx.order()
    pk = order.items[0]
    raw, shell = oversized_body(order.number, pk)
    invalid = {"order": order.number, "order_items": [{"pk": pk, "attributes": {"a": 1}}]}
    sent = [
        ("CO-REQ-02", 413, "request_too_large", ctx.capture(None, raw=raw, body_shell=shell)),
        ("CO-REQ-04", 400, "invalid_request", ctx.capture(None, body=invalid)),
        (
            "CO-REQ-05",
            400,
            "invalid_request",
            ctx.capture(None, body={"order": order.number, "order_item": [{"pk": pk}]}),
        ),
        ("CO-REQ-06", 422, "duplicate_order_item", ctx.capture(order.number, [pk, pk])),
    ]
    for requirement, status, code, exchange in sent:
        case = "duplicate-is-422" if requirement == "CO-REQ-06" else "nothing-captured"
        ctx.expect_status(
            exchange,
            status,
            f"{requirement}/{case}",
            f"A {code} request for a real order was not refused",
            code=code,
        )
    history = [e for *_, e in sent]
    full = ctx.capture(order.number)
    title = "A refused request captured (part of) the order"
    for requirement in ("CO-REQ-02", "CO-REQ-04", "CO-REQ-05", "CO-REQ-06"):
        expect_untouched(ctx, full, order, f"{requirement}/nothing-captured", title, history)
    expect_capture(
        ctx, full, order, captured_now=order.items, captured_total=order.items, history=history
    )


def _nested(depth: int) -> dict[str, Any]:
    """A capture body whose deepest container is `depth` levels down (in the attributes)."""
    deep: Any = "x"
    for _ in range(depth - 3):  # the body, order_items and the item are three levels
        deep = {"a": deep}
    return {"order_items": [{"pk": 1, "attributes": deep}]}


@check("CO-REQ-09/within-limit", "CO-REQ-09/beyond-limit")
def nesting_is_bounded_never_a_5xx(ctx: CheckContext) -> None:
    """32 levels are judged by the schema (400 naming the field); 10,000 levels are a 400."""
    number = ctx.unknown_order()
    within = ctx.capture(None, body={"order": number, **_nested(DEPTH_LIMIT)})
    ok = ctx.expect_status(
        within,
        400,
        "CO-REQ-09/within-limit",
        f"A body nested {DEPTH_LIMIT} levels deep was not judged by the schema",
        code="invalid_request",
    )
    if ok:
        ctx.expect(
            _names(within, "attributes") or any("attributes" in k for k in _error_keys(within)),
            "CO-REQ-09/within-limit",
            f"The 400 for {DEPTH_LIMIT} levels of nesting does not name the attribute",
            expected="errors naming order_items[0].attributes...",
            received=describe(within),
            exchanges=[within],
        )
    deep = b"[" * 10_000 + b"]" * 10_000
    beyond = ctx.capture(
        None, raw=deep, body_shell='python3 -c \'print("[" * 10000 + "]" * 10000)\''
    )
    ctx.expect_status(
        beyond,
        400,
        "CO-REQ-09/beyond-limit",
        "10,000 nested arrays were not refused with 400",
        code=("malformed_json", "invalid_request"),
    )


def _error_keys(exchange: Exchange) -> list[str]:
    body = exchange.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    return [str(k) for k in errors] if isinstance(errors, dict) else []

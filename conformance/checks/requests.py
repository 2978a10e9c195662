"""Request handling: media type, size, JSON, schema, unknown fields, duplicates, keys, methods."""

from __future__ import annotations

import json
import re
from typing import Any

from conformance.context import PROBLEM_JSON, CheckContext, describe
from conformance.http import Exchange
from conformance.order_expectations import expect_capture, expect_ok
from conformance.registry import check

LIMIT = 65_536


def oversized_body(number: str, pk: int) -> tuple[bytes, str]:
    """A schema-valid capture body just over 64 KiB, and a shell line that prints it."""
    attributes = {f"a{i:02d}": "x" * 1024 for i in range(64)}
    body = json.dumps({"order": number, "order_items": [{"pk": pk, "attributes": attributes}]})
    shell = (
        'python3 -c \'import json,sys; json.dump({"order": sys.argv[1], "order_items": '
        f'[{{"pk": {pk}, "attributes": {{f"a{{i:02d}}": "x" * 1024 for i in range(64)}}}}]}}, '
        f"sys.stdout)' {number!r}"
    )
    return body.encode(), shell


def _padded_to_limit(number: str) -> bytes:
    """A valid body of exactly 65,536 bytes (trailing JSON whitespace)."""
    body = json.dumps({"order": number}).encode()
    return body + b" " * (LIMIT - len(body))


@check("CO-REQ-01")
def non_json_body_is_unsupported_media_type(ctx: CheckContext) -> None:
    """A body sent as anything but application/json is 415."""
    body = json.dumps({"order": ctx.unknown_order()}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        exchange = ctx.capture(None, raw=body, content_type=content_type)
        ctx.expect_status(
            exchange,
            415,
            "CO-REQ-01",
            f"A {content_type} body was not refused with 415",
            code="unsupported_media_type",
        )


@check("CO-REQ-02")
def oversized_body_is_too_large(ctx: CheckContext) -> None:
    """A body over 65,536 bytes is 413; one of exactly 65,536 bytes is not."""
    number = ctx.unknown_order()
    raw, shell = oversized_body(number, 1)
    exchange = ctx.capture(None, raw=raw, body_shell=shell)
    ctx.expect_status(
        exchange,
        413,
        "CO-REQ-02",
        f"A {len(raw)}-byte body was not refused with 413",
        code="request_too_large",
    )
    at_limit = ctx.capture(
        None,
        raw=_padded_to_limit(number),
        body_shell="python3 -c 'import sys; b=sys.argv[1].encode(); "
        f'sys.stdout.write((b + b" " * ({LIMIT} - len(b))).decode())\' '
        f"{json.dumps({'order': number})!r}",
    )
    ctx.expect_status(
        at_limit,
        404,
        "CO-REQ-02",
        "A body of exactly 65,536 bytes was refused",
        code="order_not_found",
    )


MALFORMED = (
    ("truncated JSON", b'{"order": '),
    ("not JSON", b"order=CO-1"),
    ("trailing comma", b'{"order": "x",}'),
    ("invalid UTF-8 in a string", b'{"order": "\xff\xfe"}'),
    ("overlong UTF-8 encoding", b'{"order": "\xc0\xaf"}'),
    ("lone surrogate escape in raw bytes", b'{"order": "\xed\xa0\x80"}'),
)


@check("CO-REQ-03")
def malformed_json_is_bad_request(ctx: CheckContext) -> None:
    """Bodies that are not well-formed UTF-8 JSON are 400 malformed_json, never 5xx."""
    for label, raw in MALFORMED:
        exchange = ctx.capture(None, raw=raw)
        ctx.expect_status(
            exchange,
            400,
            "CO-REQ-03",
            f"Body with {label} was not refused with 400",
            code="malformed_json",
        )


def _names(exchange: Exchange, field: str) -> bool:
    errors = (exchange.json() or {}).get("errors") if isinstance(exchange.json(), dict) else None
    return isinstance(errors, dict) and any(
        re.search(rf"(^|[.\[\]]){re.escape(field)}($|[.\[\]])", str(key)) for key in errors
    )


def _schema_violations(number: str) -> list[tuple[str, object, str]]:
    """(label, body, field the errors must name)."""
    return [
        ("no order", {}, "order"),
        ("empty order", {"order": ""}, "order"),
        ("order not a string", {"order": 12345}, "order"),
        ("order over 128 characters", {"order": "C" * 129}, "order"),
        ("control character in order", {"order": "CO-\u0001"}, "order"),
        ("empty order_items", {"order": number, "order_items": []}, "order_items"),
        ("pk of 0", {"order": number, "order_items": [{"pk": 0}]}, "pk"),
        ("pk not an integer", {"order": number, "order_items": [{"pk": "1"}]}, "pk"),
        ("item without pk", {"order": number, "order_items": [{}]}, "pk"),
        (
            "attribute value a number",
            {"order": number, "order_items": [{"pk": 1, "attributes": {"a": 1}}]},
            "attributes",
        ),
        ("body an array", [{"order": number}], ""),
    ]


def _refused_naming(ctx: CheckContext, requirement: str, label: str, body: Any, field: str) -> None:
    """Send the body: expect 400 invalid_request whose `errors` name `field` (if one is given)."""
    exchange = ctx.capture(None, body=body)
    ok = ctx.expect_status(
        exchange,
        400,
        requirement,
        f"Body with {label} was not refused with 400",
        code="invalid_request",
    )
    if ok and field:
        ctx.expect(
            _names(exchange, field),
            requirement,
            f"400 for {label} does not name the field",
            expected=f"errors with a key naming {field!r}",
            received=describe(exchange),
            exchanges=[exchange],
        )


@check("CO-REQ-04")
def schema_invalid_body_names_the_field(ctx: CheckContext) -> None:
    """Schema violations are 400 invalid_request with `errors` naming the field."""
    for label, body, field in _schema_violations(ctx.unknown_order()):
        _refused_naming(ctx, "CO-REQ-04", label, body, field)


@check("CO-REQ-05")
def unknown_fields_are_rejected(ctx: CheckContext) -> None:
    """A field the schema does not define, at any level, is 400 naming it."""
    number = ctx.unknown_order()
    for label, body, field in (
        ("misspelt order_items", {"order": number, "order_item": [{"pk": 1}]}, "order_item"),
        ("unknown item field", {"order": number, "order_items": [{"pk": 1, "qty": 2}]}, "qty"),
    ):
        _refused_naming(ctx, "CO-REQ-05", label, body, field)


@check("CO-REQ-02", "CO-REQ-04", "CO-REQ-05", "CO-REQ-06")
def rejected_bodies_capture_nothing(ctx: CheckContext) -> None:
    """Refused bodies for a real order (too large, invalid, misspelt, duplicate) capture nothing."""
    order = ctx.order()
    pk = order.items[0]
    raw, shell = oversized_body(order.number, pk)
    sent = [
        ("CO-REQ-02", 413, "request_too_large", ctx.capture(None, raw=raw, body_shell=shell)),
        (
            "CO-REQ-04",
            400,
            "invalid_request",
            ctx.capture(
                None,
                body={"order": order.number, "order_items": [{"pk": pk, "attributes": {"a": 1}}]},
            ),
        ),
        (
            "CO-REQ-05",
            400,
            "invalid_request",
            ctx.capture(None, body={"order": order.number, "order_item": [{"pk": pk}]}),
        ),
        ("CO-REQ-06", 422, "duplicate_order_item", ctx.capture(order.number, [pk, pk])),
    ]
    for requirement, status, code, exchange in sent:
        ctx.expect_status(
            exchange,
            status,
            requirement,
            f"A {code} request for a real order was not refused",
            code=code,
        )
    history = [e for *_, e in sent]
    full = ctx.capture(order.number)
    expect_ok(ctx, full, "CO-REQ-05", "A refused request captured (part of) the order", history)
    body_ok = expect_capture(
        ctx, full, order, captured_now=order.items, captured_total=order.items, history=history
    )
    del body_ok


@check("CO-REQ-07")
def invalid_idempotency_key_is_bad_request(ctx: CheckContext) -> None:
    """Empty, over-long and non-printable Idempotency-Keys are 400 invalid_request."""
    number = ctx.unknown_order()
    for label, key in (
        ("an empty key", b""),
        ("a 256-character key", b"k" * 256),
        ("a non-ASCII key", "clé-1".encode()),
        ("a key with a tab", b"key\tone"),
    ):
        exchange = ctx.capture(number, key=key)
        ctx.expect_status(
            exchange,
            400,
            "CO-REQ-07",
            f"Request with {label} was not refused with 400",
            code="invalid_request",
        )
    fine = ctx.capture(number, key="k" * 255)
    ctx.expect_status(
        fine,
        404,
        "CO-REQ-07",
        "A 255-character key was refused",
        code="order_not_found",
    )


@check("CO-REQ-08", "CO-ERR-01")
def other_methods_are_not_allowed(ctx: CheckContext) -> None:
    """GET, PUT, DELETE and PATCH on the path are 405 with Allow naming POST."""
    body = json.dumps({"order": ctx.unknown_order()}).encode()
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        exchange = ctx.capture(
            None, raw=b"" if method in ("GET", "DELETE") else body, method=method
        )
        ok = ctx.expect_status(
            exchange,
            405,
            "CO-REQ-08",
            f"{method} was not refused with 405",
            code="method_not_allowed",
        )
        allow = exchange.header("Allow") or ""
        if ok:
            ctx.expect(
                "POST" in [m.strip().upper() for m in allow.split(",")],
                "CO-REQ-08",
                f"405 for {method} does not name POST in Allow",
                expected="Allow: POST",
                received=f"Allow: {allow}" if allow else "no Allow header",
                exchanges=[exchange],
            )
            ctx.expect(
                exchange.media_type == PROBLEM_JSON,
                "CO-ERR-01",
                f"405 for {method} is not a problem document",
                expected=PROBLEM_JSON,
                received=exchange.media_type or "no content type",
                exchanges=[exchange],
            )

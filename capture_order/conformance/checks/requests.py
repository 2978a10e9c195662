"""Request handling: media type, size, Idempotency-Key, methods, and the one path."""

from __future__ import annotations

import json

from capture_order.conformance.context import PROBLEM_JSON, CheckContext
from capture_order.conformance.registry import check
from capture_order.contract.spec import OPERATION_PATH

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


@check("CO-REQ-01/other-media-type", "CO-REQ-01/no-content-type")
def non_json_body_is_unsupported_media_type(ctx: CheckContext) -> None:
    """A body sent as anything but application/json, or without a Content-Type, is 415."""
    body = json.dumps({"order": ctx.unknown_order()}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        exchange = ctx.capture(None, raw=body, content_type=content_type)
        ctx.expect_status(
            exchange,
            415,
            "CO-REQ-01/other-media-type",
            f"A {content_type} body was not refused with 415",
            code="unsupported_media_type",
        )
    bare = ctx.capture(None, raw=body, content_type=None)
    ctx.expect_status(
        bare,
        415,
        "CO-REQ-01/no-content-type",
        "A JSON body without Content-Type was not refused with 415",
        code="unsupported_media_type",
    )


@check("CO-REQ-02/over-limit", "CO-REQ-02/at-limit")
def oversized_body_is_too_large(ctx: CheckContext) -> None:
    """A body over 65,536 bytes is 413; one of exactly 65,536 bytes is not."""
    number = ctx.unknown_order()
    raw, shell = oversized_body(number, 1)
    exchange = ctx.capture(None, raw=raw, body_shell=shell)
    ctx.expect_status(
        exchange,
        413,
        "CO-REQ-02/over-limit",
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
        "CO-REQ-02/at-limit",
        "A body of exactly 65,536 bytes was refused",
        code="order_not_found",
    )


@check(
    "CO-REQ-07/empty",
    "CO-REQ-07/too-long",
    "CO-REQ-07/not-printable-ascii",
    "CO-REQ-07/repeated-header",
)
def invalid_idempotency_key_is_bad_request(ctx: CheckContext) -> None:
    """Empty, over-long, non-printable and repeated Idempotency-Keys are 400 invalid_request."""
    number = ctx.unknown_order()
    fresh = ctx.new_key()
    for case, label, key, lines in (
        ("empty", "an empty key", b"", ()),
        ("too-long", "a 256-character key", b"k" * 256, ()),
        ("not-printable-ascii", "a non-ASCII key", "clé-1".encode(), ()),
        ("not-printable-ascii", "a key with a tab", b"key\tone", ()),
        ("repeated-header", "two valid keys", fresh, (("Idempotency-Key", ctx.new_key()),)),
        ("repeated-header", "one valid key twice", fresh, (("Idempotency-Key", fresh),)),
    ):
        exchange = ctx.capture(number, key=key, header_lines=lines)
        ctx.expect_status(
            exchange,
            400,
            f"CO-REQ-07/{case}",
            f"Request with {label} was not refused with 400",
            code="invalid_request",
        )
    fine = ctx.capture(number, key="k" * 255)
    ctx.expect_status(
        fine,
        404,
        "CO-REQ-07/too-long",
        "A 255-character key was refused",
        code="order_not_found",
    )


@check("CO-REQ-08/other-methods", "CO-REQ-08/allow-header", "CO-ERR-01/method-not-allowed")
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
            "CO-REQ-08/other-methods",
            f"{method} was not refused with 405",
            code="method_not_allowed",
        )
        allow = exchange.header("Allow") or ""
        if ok:
            ctx.expect(
                "POST" in [m.strip().upper() for m in allow.split(",")],
                "CO-REQ-08/allow-header",
                f"405 for {method} does not name POST in Allow",
                expected="Allow: POST",
                received=f"Allow: {allow}" if allow else "no Allow header",
                exchanges=[exchange],
            )
            ctx.expect(
                exchange.media_type == PROBLEM_JSON,
                "CO-ERR-01/method-not-allowed",
                f"405 for {method} is not a problem document",
                expected=PROBLEM_JSON,
                received=exchange.media_type or "no content type",
                exchanges=[exchange],
            )


@check("CO-REQ-10/no-slash-is-not-found")
def path_without_slash_is_not_found(ctx: CheckContext) -> None:
    """The path without its trailing slash is 404 not_found: no redirect, not the operation."""
    slashless = OPERATION_PATH.rstrip("/")
    exchange = ctx.capture(ctx.unknown_order(), path=slashless)
    ctx.expect_status(
        exchange,
        404,
        "CO-REQ-10/no-slash-is-not-found",
        f"A capture sent to {slashless} (no trailing slash) was not 404 not_found",
        code="not_found",
    )

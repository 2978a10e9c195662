"""Request handling: media type, size, Idempotency-Key, methods, and the one path."""

from __future__ import annotations

import json

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.registry import scenario
from capture_order.contract.facts import request_limits
from capture_order.contract.spec import OPERATION_PATH


def oversized_body(number: str, pk: int) -> tuple[bytes, str]:
    """A schema-valid capture body just over the size limit, and a shell line that prints it."""
    attributes = {f"a{i:02d}": "x" * 1024 for i in range(64)}
    body = json.dumps({"order": number, "order_items": [{"pk": pk, "attributes": attributes}]})
    shell = (
        'python3 -c \'import json,sys; json.dump({"order": sys.argv[1], "order_items": '
        f'[{{"pk": {pk}, "attributes": {{f"a{{i:02d}}": "x" * 1024 for i in range(64)}}}}]}}, '
        f"sys.stdout)' {number!r}"
    )
    return body.encode(), shell


def padded_to_limit(number: str) -> tuple[bytes, str]:
    """A valid body of exactly the size limit (trailing JSON whitespace), and its shell line."""
    limit = request_limits().body_bytes
    body = json.dumps({"order": number}).encode()
    shell = (
        "python3 -c 'import sys; b=sys.argv[1].encode(); "
        f'sys.stdout.write((b + b" " * ({limit} - len(b))).decode())\' '
        f"{json.dumps({'order': number})!r}"
    )
    return body + b" " * (limit - len(body)), shell


@scenario("CO-REQ-01/other-media-type", "CO-REQ-01/no-content-type")
def non_json_body_is_unsupported_media_type(ctx: ScenarioContext) -> None:
    """A body sent as anything but application/json, and one without a Content-Type."""
    body = json.dumps({"order": ctx.unknown_order()}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        ctx.capture(None, raw=body, content_type=content_type)
    ctx.capture(None, raw=body, content_type=None)


@scenario("CO-REQ-02/over-limit", "CO-REQ-02/at-limit")
def oversized_body_is_too_large(ctx: ScenarioContext) -> None:
    """A body over the size limit, and one of exactly the limit."""
    number = ctx.unknown_order()
    raw, shell = oversized_body(number, 1)
    ctx.capture(None, raw=raw, body_shell=shell)
    raw, shell = padded_to_limit(number)
    ctx.capture(None, raw=raw, body_shell=shell)


@scenario(
    "CO-REQ-07/empty",
    "CO-REQ-07/too-long",
    "CO-REQ-07/not-printable-ascii",
    "CO-REQ-07/repeated-header",
)
def invalid_idempotency_key_is_bad_request(ctx: ScenarioContext) -> None:
    """Empty, over-long, non-printable and repeated Idempotency-Keys; one at the limit."""
    number = ctx.unknown_order()
    fresh = ctx.new_key()
    longest = request_limits().key_max
    for key, lines in (
        (b"", ()),
        (b"k" * (longest + 1), ()),
        ("clé-1".encode(), ()),
        (b"key\tone", ()),
        (fresh, (("Idempotency-Key", ctx.new_key()),)),
        (fresh, (("Idempotency-Key", fresh),)),
    ):
        ctx.capture(number, key=key, header_lines=lines)
    ctx.capture(number, key=(ctx.new_key() + "k" * longest)[:longest])


@scenario("CO-REQ-08/other-methods", "CO-REQ-08/allow-header", "CO-ERR-01/method-not-allowed")
def other_methods_are_not_allowed(ctx: ScenarioContext) -> None:
    """GET, PUT, DELETE and PATCH on the path."""
    body = json.dumps({"order": ctx.unknown_order()}).encode()
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        ctx.capture(None, raw=b"" if method in ("GET", "DELETE") else body, method=method)


@scenario("CO-REQ-10/no-slash-is-not-found")
def path_without_slash_is_not_found(ctx: ScenarioContext) -> None:
    """A capture sent to the path without its trailing slash."""
    ctx.capture(ctx.unknown_order(), path=OPERATION_PATH.rstrip("/"))

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


def padded_to(number: str, size: int) -> tuple[bytes, str]:
    """A valid body of exactly `size` bytes (trailing JSON whitespace), and its shell line."""
    body = json.dumps({"order": number}).encode()
    shell = (
        "python3 -c 'import sys; b=sys.argv[1].encode(); "
        f'sys.stdout.write((b + b" " * ({size} - len(b))).decode())\' '
        f"{json.dumps({'order': number})!r}"
    )
    return body + b" " * (size - len(body)), shell


def body_sizes() -> tuple[list[int], list[int]]:
    """The body-size class: (its boundary values, every size it holds)."""
    limit = request_limits().body_bytes
    boundary = [limit - 1, limit, limit + 1]
    further = [limit // 2, limit - 1024, limit - 2, limit + 2, limit + 1024, 2 * limit, 4 * limit]
    return boundary, sorted({*boundary, *further})


def key_lengths() -> tuple[list[int], list[int]]:
    """The idempotency-key-length class: (its boundary values, every length it holds)."""
    longest = request_limits().key_max
    boundary = [longest - 1, longest, longest + 1]
    # No shorter key than its 16 random hex digits: a short key would be met again next run.
    further = [16, 64, longest // 2, longest - 2, longest + 2, 2 * longest, 4 * longest]
    return boundary, sorted({*boundary, *further})


@scenario("CO-REQ-01/other-media-type", "CO-REQ-01/no-content-type")
def non_json_body_is_unsupported_media_type(ctx: ScenarioContext) -> None:
    """A body sent as anything but application/json, and one without a Content-Type."""
    body = json.dumps({"order": ctx.unknown_order()}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        ctx.capture(None, raw=body, content_type=content_type)
    ctx.capture(None, raw=body, content_type=None)


# RFC 9110 section 8.3.1: the same media type as application/json (boundary ones first).
JSON_SPELLINGS = (
    "application/json; charset=utf-8",
    "Application/JSON",
    "application/json ; charset=utf-8",
    'application/json;charset="UTF-8"',
    "application/json; charset=UTF-8",
    "application/json;charset=utf-8",
    "application/json;  charset=utf-8",
    "application/json\t;\tcharset=utf-8",
    "application/json; unknown=parameter",
    "application/json; charset=utf-8; unknown=1",
    "APPLICATION/JSON; CHARSET=UTF-8",
    "application/Json",
    "application/json;",
    'application/json; profile="https://example.com/capture"',
)
# Not application/json, though each contains `json` (RFC 6839 suffixes, prefixes, other types).
JSON_LOOK_ALIKES = (
    "application/merge-patch+json",
    "application/json-seq",
    "text/json",
    "application/jsonx",
    "application/json+x",
    "application/problem+json",
    "application/ld+json",
    "application/x-json",
    "application/vnd.api+json",
    "application/json-patch+json",
    "json",
    "application/jsonl",
)


@scenario("CO-REQ-01/media-type-parameters", "CO-REQ-01/look-alike-types")
def json_media_type_is_read_as_http_defines_it(ctx: ScenarioContext) -> None:
    """application/json with parameters, in other cases and spacing; types that look like it."""
    body = json.dumps({"order": ctx.unknown_order()}).encode()
    spellings = ctx.inputs("media-type-equivalents", JSON_SPELLINGS, keep=JSON_SPELLINGS[:3])
    for content_type in spellings:
        ctx.capture(None, raw=body, content_type=content_type)
    for content_type in ctx.inputs(
        "media-type-look-alikes", JSON_LOOK_ALIKES, keep=JSON_LOOK_ALIKES[:3]
    ):
        ctx.capture(None, raw=body, content_type=content_type)


@scenario("CO-REQ-02/over-limit", "CO-REQ-02/at-limit", "CO-REQ-02/just-over-limit")
def oversized_body_is_too_large(ctx: ScenarioContext) -> None:
    """A body far over the size limit, then the body-size class: around the limit and out."""
    number = ctx.unknown_order()
    raw, shell = oversized_body(number, 1)
    ctx.capture(None, raw=raw, body_shell=shell)
    boundary, sizes = body_sizes()
    for size in ctx.inputs("body-size", sizes, keep=boundary, sample=2):
        raw, shell = padded_to(number, size)
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
    boundary, lengths = key_lengths()
    # Far past the limit too, always: where a fixed-size buffer or column would end.
    keep = [*boundary, lengths[-1]]
    for length in ctx.inputs("idempotency-key-length", lengths, keep=keep, sample=3):
        fresh = ctx.new_key()  # its random digits last: a shorter key keeps them
        ctx.capture(
            number, key=(fresh + "k" * length)[:length] if length > len(fresh) else fresh[-length:]
        )


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


def path_spellings(path: str) -> tuple[list[str], list[str]]:
    """The operation's path (under the API) spelled as RFC 3986 makes it the same, and spelled
    one normalisation step away as another path (boundary spellings first in each)."""
    name = path.strip("/")  # one segment: "capture-order"
    first, last = name[0], name[-1]
    hyphen = name.find("-")
    encoded = f"/{name[:hyphen]}%2D{name[hyphen + 1 :]}/" if hyphen > 0 else f"/{name}/"
    equivalent = [
        f"/%{ord(first):02X}{name[1:]}/",
        f"/./{name}/",
        f"/%{ord(first):02X}%{ord(name[1]):02X}{name[2:]}/",
        f"/{name[:-1]}%{ord(last):02X}/",
        encoded,
        encoded.lower(),
        f"/x/../{name}/",
        f"/{name}/./",
        f"/%2E/{name}/",
    ]
    other = [
        f"//{name}/",
        f"/{name}//",
        f"/{name}%2F",
        f"/{name.upper()}/",
        f"/{first.upper()}{name[1:]}/",
        f"/{name}%2f",
        f"/{name}%2F/",
        f"/{name};/",
        f"/{name}/{name}/",
    ]
    return equivalent, other


@scenario("CO-REQ-10/equivalent-targets", "CO-REQ-10/request-targets", "CO-REQ-10/query-string")
def request_targets_are_compared_as_rfc_3986_normalises_them(ctx: ScenarioContext) -> None:
    """The path spelled as the same (encoded unreserved, dot segments) and as others (case,
    `//`, `%2F`), then a query parameter, for an order number no order has."""
    equivalent, other = path_spellings(OPERATION_PATH)
    for path in ctx.inputs("request-target-equivalents", equivalent, keep=equivalent[:2], sample=3):
        ctx.capture(ctx.unknown_order(), path=path)
    for path in ctx.inputs("request-target-others", other, keep=other[:4], sample=3):
        ctx.capture(ctx.unknown_order(), path=path)
    ctx.capture(ctx.unknown_order(), path=OPERATION_PATH + "?expand=items")

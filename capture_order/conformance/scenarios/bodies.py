"""Request bodies: I-JSON only, bounded nesting, the schema, unknown fields, duplicates."""

from __future__ import annotations

import json
import shlex
from functools import cache
from importlib.resources import files
from typing import Any

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.needs import Needs, OrderNeed
from capture_order.conformance.registry import scenario
from capture_order.conformance.scenarios.request_handling import oversized_body
from capture_order.contract.facts import request_limits


def _malformed(prefix: str) -> list[bytes]:
    """Bodies that are not I-JSON; each names only a generated order number, however read."""
    number = prefix.encode() + b"malformed"
    return [
        b'{"order": "' + number + b'", ',
        b"order=" + number,
        b'{"order": "' + number + b'",}',
        b'{"order": "' + number + b'\xff\xfe"}',
        b'{"order": "' + number + b'\xc0\xaf"}',
        b'{"order": "' + number + b'\xed\xa0\x80"}',
        b'{"order": "' + number + b'\\ud800"}',
        b'{"order": "' + number + b'", "order": "' + number + b'x"}',
        b'{"order": "' + number + b'", "order_items": [{"pk": 1, "pk": 2}]}',
        b"",
    ]


@scenario(
    "CO-REQ-03/not-json",
    "CO-REQ-03/invalid-utf8",
    "CO-REQ-03/escaped-surrogate",
    "CO-REQ-03/duplicate-member",
    "CO-REQ-03/empty-body",
)
def malformed_json_is_bad_request(ctx: ScenarioContext) -> None:
    """Bodies that are not I-JSON (RFC 7493): truncated, a form, a trailing comma, bad UTF-8."""
    for raw in _malformed(ctx.prefix):
        ctx.capture(
            None,
            raw=raw,
            content_type=None if not raw else "application/json",
            extra_headers={"Content-Type": "application/json"} if not raw else None,
        )


def _schema_violations(number: str) -> list[Any]:
    limit = request_limits().order_max
    return [
        {},
        {"order": ""},
        {"order": number + "C" * (limit + 1)},
        {"order": number + "\u0001"},
        {"order": 12345},
        {"order": number, "order_items": [{"pk": "1"}]},
        {"order": number, "order_items": [{"pk": 1, "attributes": {"a": 1}}]},
        {"order": number, "order_items": []},
        {"order": number, "order_items": [{"pk": 0}]},
        {"order": number, "order_items": [{}]},
        [{"order": number}],
    ]


@scenario(
    "CO-REQ-04/missing-order",
    "CO-REQ-04/order-bounds",
    "CO-REQ-04/wrong-types",
    "CO-REQ-04/item-bounds",
    "CO-REQ-04/root-not-object",
)
def schema_invalid_body_names_the_field(ctx: ScenarioContext) -> None:
    """Bodies that break the schema: a missing or unbounded order, wrong types, bad items."""
    for body in _schema_violations(ctx.unknown_order()):
        ctx.capture(None, body=body)


@scenario("CO-REQ-05/top-level", "CO-REQ-05/item-level")
def unknown_fields_are_rejected(ctx: ScenarioContext) -> None:
    """A field the schema does not define, at the top and in an item."""
    number = ctx.unknown_order()
    ctx.capture(None, body={"order": number, "order_item": [{"pk": 1}]})
    ctx.capture(None, body={"order": number, "order_items": [{"pk": 1, "qty": 2}]})


@scenario(
    "CO-REQ-02/nothing-captured",
    "CO-REQ-04/nothing-captured",
    "CO-REQ-05/nothing-captured",
    "CO-REQ-06/duplicate-is-422",
    "CO-REQ-06/nothing-captured",
    needs=Needs(orders=(OrderNeed(),)),
)
def rejected_bodies_capture_nothing(ctx: ScenarioContext) -> None:
    """Refused bodies for a real order (too large, invalid, misspelt, duplicate), then its 200."""
    order = ctx.order()
    pk = order.items[0]
    raw, shell = oversized_body(order.number, pk)
    ctx.capture(None, raw=raw, body_shell=shell)
    ctx.capture(
        None, body={"order": order.number, "order_items": [{"pk": pk, "attributes": {"a": 1}}]}
    )
    ctx.capture(None, body={"order": order.number, "order_item": [{"pk": pk}]})
    ctx.capture(order.number, [pk, pk])
    ctx.capture(order.number)


def _nested(depth: int) -> dict[str, Any]:
    """A capture body whose deepest container is `depth` levels down (in the attributes)."""
    deep: Any = "x"
    for _ in range(depth - 3):  # the body, order_items and the item are three levels
        deep = {"a": deep}
    return {"order_items": [{"pk": 1, "attributes": deep}]}


def nested_raw(number: str, depth: int) -> tuple[bytes, str]:
    """`_nested(depth)` written compactly by hand (json.dumps recurses; 10,000 levels of
    `{"a":` stay within the size limit only without spaces), and a shell line that prints it."""
    levels = depth - 3
    head = json.dumps({"order": number}, separators=(",", ":"))[:-1].encode()
    body = head + b',"order_items":[{"pk":1,"attributes":' + b'{"a":' * levels
    body += b'"x"' + b"}" * levels + b"}]}"
    template = head.decode() + ',"order_items":[{"pk":1,"attributes":%s"x"%s}]}'
    program = (
        'import sys; n=int(sys.argv[2]); sys.stdout.write(sys.argv[1] % ("{\\"a\\":" * n, "}" * n))'
    )
    shell = f"python3 -c {shlex.quote(program)} {shlex.quote(template)} {levels}"
    return body, shell


def nesting_depths() -> tuple[list[int], list[int]]:
    """The nesting-depth class: (its boundary values, every depth it holds)."""
    limit = request_limits().nesting_depth
    boundary = [limit - 1, limit, limit + 1]
    further = [5, 8, 16, 24, limit - 2, limit + 2, 48, 64, 100, 256, 999, 1_000, 1_001, 2_000]
    return boundary, sorted({*boundary, *further, 5_000, 9_999, 10_000})


@scenario("CO-REQ-09/within-limit", "CO-REQ-09/beyond-limit", "CO-REQ-09/depth-boundary")
def nesting_is_bounded_never_a_5xx(ctx: ScenarioContext) -> None:
    """The nesting-depth class: attributes nested around the limit and far past it, and
    10,000 nested arrays."""
    number = ctx.unknown_order()
    boundary, depths = nesting_depths()
    for depth in ctx.inputs("nesting-depth", depths, keep=boundary, sample=4):
        raw, shell = nested_raw(number, depth)
        ctx.capture(None, raw=raw, body_shell=shell)
    deep = b"[" * 10_000 + b"]" * 10_000
    ctx.capture(None, raw=deep, body_shell='python3 -c \'print("[" * 10000 + "]" * 10000)\'')


@cache
def json_test_suite() -> dict[str, list[tuple[str, bytes]]]:
    """The vendored JSONTestSuite parsing files by kind (`n`, `y`, `i`): (name, bytes)."""
    folder = files("capture_order.conformance.corpus") / "json_test_suite"
    found: dict[str, list[tuple[str, bytes]]] = {"n": [], "y": [], "i": []}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        kind = entry.name[:1]
        if entry.name.endswith(".json") and entry.name[1:2] == "_" and kind in found:
            found[kind].append((entry.name, entry.read_bytes()))
    return found


# Always sent: what a lenient parser gets wrong first (NaN, trailing data and commas, comments,
# single quotes, duplicates, lone surrogates, big numbers, encodings, depth).
SUITE_KEEP = {
    "n": (
        "n_number_NaN.json",
        "n_number_infinity.json",
        "n_structure_trailing_#.json",
        "n_structure_double_array.json",
        "n_object_trailing_comma.json",
        "n_object_single_quote.json",
        "n_structure_object_with_comment.json",
        "n_number_with_leading_zero.json",
        "n_number_+1.json",
        "n_structure_100000_opening_arrays.json",
    ),
    "y": (
        "y_object_duplicated_key.json",
        "y_object_basic.json",
        "y_structure_lonely_null.json",
        "y_string_nonCharacterInUTF-8_U+FFFF.json",
        "y_string_accepted_surrogate_pair.json",
        "y_object_escaped_null_in_key.json",
    ),
    "i": (
        "i_string_1st_surrogate_but_2nd_missing.json",
        "i_string_UTF-16LE_with_BOM.json",
        "i_number_huge_exp.json",
        "i_structure_500_nested_arrays.json",
        "i_string_invalid_utf-8.json",
    ),
}
SUITE_SAMPLE = {"n": 30, "y": 20, "i": 12}
SUITE_CLASSES = {
    "n": "json-not-well-formed",
    "y": "json-well-formed",
    "i": "json-implementation-defined",
}


@scenario(
    "CO-REQ-03/json-test-suite-n", "CO-REQ-03/json-test-suite-y", "CO-REQ-03/json-test-suite-i"
)
def json_test_suite_is_judged_by_i_json(ctx: ScenarioContext) -> None:
    """JSONTestSuite's parsing files as capture bodies: n_ must be refused as malformed, y_
    must not be (but for I-JSON's terms), i_ are judged by I-JSON."""
    corpus = json_test_suite()
    for kind, entries in corpus.items():
        names = [name for name, _ in entries]
        keep = [name for name in SUITE_KEEP[kind] if name in names]
        chosen = set(ctx.inputs(SUITE_CLASSES[kind], names, keep=keep, sample=SUITE_SAMPLE[kind]))
        for name, raw in entries:
            if name in chosen:
                # A huge number may be refused by the parser or read, then refused by the schema.
                either = kind == "i" and name.startswith("i_number_")
                body = ctx.class_body(raw, f"CO-REQ-03/json-test-suite-{kind}", either=either)
                shell = f"cat capture_order/conformance/corpus/json_test_suite/{name}"
                ctx.capture(None, raw=body, body_shell=shell)


def _duplicates(number: str) -> tuple[list[bytes], list[bytes]]:
    """The json-duplicate-members class for an order number no order has: (boundary, all)."""
    order = json.dumps(number).encode()
    item = b'{"pk": 1}'
    boundary = [
        b'{"order": '
        + order
        + b', "order_items": [{"pk": 1, "attributes": {"a": "1", "a": "2"}}]}',
        b'{"order": ' + order + b', "order_items": [' + item + b', {"pk": 2, "pk": 3}]}',
        b'{"order": ' + order + b', "\\u006frder": ' + order + b"}",
    ]
    others = [
        b'{"order": ' + order + b', "order": ' + order + b"}",
        b'{"order": ' + order + b', "order_items": [{"pk": 1, "pk": 1}]}',
        b'{"order": '
        + order
        + b', "order_items": ['
        + item
        + b"], "
        + b'"order_items": ['
        + item
        + b"]}",
        b'{"order": '
        + order
        + b', "order_items": ['
        + item
        + b', {"pk": 2, "attributes": {"g": true, "g": false}}]}',
        b'{"order": '
        + order
        + b', "order_items": [{"pk": 1, "attributes": {"a": "1", "\\u0061": "2"}}]}',
        b'{"order": '
        + order
        + b', "order_items": [{"pk": 1, "attributes": {"a": "x"}, "attributes": {"a": "y"}}]}',
        b'{"order": ' + order + b', "order_items": ['
        b'{"order": '
        + order
        + b', "order_items": ['
        + b", ".join(b'{"pk": %d}' % i for i in range(1, 9))
        + b', {"pk": 9, "pk": 10}]}',
    ]
    return boundary, [*boundary, *others]


def _variants(number: str) -> tuple[list[bytes], list[bytes]]:
    """The json-capture-variants class: capture bodies one step from JSON (boundary, all)."""
    order = json.dumps(number).encode()
    body = b'{"order": ' + order + b', "order_items": [{"pk": 1}]}'
    boundary = [
        body + b' {"order": ' + order + b"}",
        b'{"order": ' + order + b', "order_items": [{"pk": NaN}]}',
        body + b",",
    ]
    others = [
        body + b" x",
        body + b"}",
        body + b" []",
        body + b"\x00",
        b'{"order": ' + order + b', "order_items": [{"pk": Infinity}]}',
        b'{"order": ' + order + b', "order_items": [{"pk": -Infinity}]}',
        b'{"order": ' + order + b', "order_items": [{"pk": 01}]}',
        b'{"order": ' + order + b', "order_items": [{"pk": +1}]}',
        b'{"order": ' + order + b', "order_items": [{"pk": 0x1}]}',
        b'{"order": ' + order + b', /* comment */ "order_items": [{"pk": 1}]}',
        b'{"order": ' + order + b', "order_items": [{"pk": 1}]} // comment',
        b"{'order': " + order + b"}",
        b"{order: " + order + b"}",
        b'{"order": ' + order + b', "order_items": [{"pk": 1},]}',
        b'{"order": ' + order + b', "order_items": [{"pk": 1.}]}',
    ]
    return boundary, [*boundary, *others]


@scenario(
    "CO-REQ-03/duplicate-at-any-depth",
    "CO-REQ-03/capture-body-variants",
    "CO-REQ-03/byte-order-mark",
)
def capture_bodies_one_step_from_i_json_are_malformed(ctx: ScenarioContext) -> None:
    """Capture bodies naming a member twice at any depth, bodies one step from JSON (trailing
    data, NaN, comments, ...), and a body after a byte order mark."""
    number = ctx.unknown_order()
    for cls, case, (keep, every) in (
        ("json-duplicate-members", "CO-REQ-03/duplicate-at-any-depth", _duplicates(number)),
        ("json-capture-variants", "CO-REQ-03/capture-body-variants", _variants(number)),
    ):
        for raw in ctx.inputs(cls, every, keep=keep, sample=4):
            ctx.capture(None, raw=ctx.class_body(raw, case))
    ctx.capture(None, raw=b"\xef\xbb\xbf" + json.dumps({"order": number}).encode())

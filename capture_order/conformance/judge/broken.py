"""What a request breaks, first first: each rule's answer and the case the request exercises.

The order is the spec's order of evaluation (CO-ERR-05): the path, 405, 413, 401, 415, 400 (key,
then JSON, then schema), 422 duplicate, then what the facts and the stream tell of the order: 404
for a number no order has or another channel's order, 409 its state, 409 already captured, 422
unknown item, 409 item already captured. Idempotency sits between the 400s and the 422 duplicate;
the keys rule judges it. Past the lookup, only an order the facts know is judged here.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.book import Book
from capture_order.conformance.judge.boundaries import past_limit
from capture_order.conformance.judge.judge_facts import KnownOrder
from capture_order.conformance.judge.seen import NOT_JSON, Seen, read_body
from capture_order.conformance.traffic.channels import channel_of
from capture_order.contract.facts import order_statuses, request_limits
from capture_order.contract.spec import OPERATION_PATH, base_path
from capture_order.contract.validation import contract_judge

REQUEST_SCHEMA = "/components/schemas/CaptureOrder"
VALID_DEPTH = 4  # no valid request nests deeper: past it, a body exercises the nesting rule
KEY_TEXT = re.compile(r"[\x20-\x7E]+")
# RFC 9110 credentials (CO-AUTH-03): the scheme in any case, one or more spaces, the key.
CREDENTIAL = re.compile(r"^token +[\x21-\x7E]{1,256}$", re.IGNORECASE)
# RFC 9110 section 8.3.1: type "/" subtype, then parameters after ";" (any case, optional spaces).
TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
MEDIA_TYPE = re.compile(rf"^[ \t]*({TOKEN})/({TOKEN})[ \t]*(;.*)?$", re.DOTALL)


@dataclass(frozen=True)
class Broken:
    """A rule the request breaks, the answer it must then get, and the case it exercises."""

    requirement: str
    case: str
    what: str
    status: int
    codes: tuple[str, ...]
    # Whether an answer as the rule says exercises the case (a form case needs a known key).
    counts: bool = True
    # Cases the same answer exercises besides `case` (the status a CO-CAP-06 refusal is for).
    also: tuple[str, ...] = ()

    def answered(self, status: int, code: str | None) -> bool:
        """Whether an answer is this rule's."""
        return status == self.status and code in self.codes

    @property
    def wanted(self) -> str:
        """The answer, as a finding's Expected line says it."""
        return f"{self.status} with code {' or '.join(self.codes)}"


@dataclass(frozen=True)
class Expected:
    """What the rules say of a request: the ones it breaks, and what a 200 must capture.

    `complete`: the list holds every rule the request breaks (past the lookup only when the
    facts know the order). `captures`: with nothing broken and the order known, the items a 200
    captures, and `case` the case such a 200 exercises.
    """

    broken: tuple[Broken, ...]
    complete: bool
    captures: tuple[Any, ...] | None = None
    cases: tuple[str, ...] = ()

    @property
    def first(self) -> Broken | None:
        """The rule that decides the answer."""
        return self.broken[0] if self.broken else None


# (first, second) rule broken -> the CO-ERR-05 case of that pair.
PAIRS = {
    ("CO-REQ-10", "CO-REQ-08"): "path-before-method",
    ("CO-REQ-08", "CO-AUTH-01"): "method-before-token",
    ("CO-REQ-02", "CO-AUTH-01"): "size-before-token",
    ("CO-AUTH-01", "CO-REQ-03"): "token-before-json",
    ("CO-REQ-01", "CO-REQ-03"): "media-type-before-json",
    ("CO-REQ-07", "CO-REQ-03"): "key-before-body",
    ("CO-REQ-07", "CO-REQ-04"): "key-before-body",
    ("CO-REQ-07", "CO-REQ-05"): "key-before-body",
    ("CO-REQ-07", "CO-OLA-02"): "key-before-lookup",
    ("CO-REQ-06", "CO-OLA-02"): "duplicate-before-lookup",
    ("CO-CAP-06", "CO-CAP-03"): "state-before-item",
    ("CO-CAP-03", "CO-CAP-04"): "unknown-before-captured-item",
    ("CO-CAP-05", "CO-CAP-03"): "captured-order-before-item",
}


def pair_case(expected: Expected) -> str | None:
    """The CO-ERR-05 case a request breaking two rules exercises (None: no such pair)."""
    if len(expected.broken) < 2:
        return None
    first, second = expected.broken[0], expected.broken[1]
    case = PAIRS.get((first.requirement, second.requirement))
    return f"CO-ERR-05/{case}" if case else None


@functools.cache
def _paths() -> tuple[str, str]:
    operation = base_path() + OPERATION_PATH
    return operation, operation.rstrip("/")


def slashless(url: str) -> bool:
    """Whether the request went to the operation's path without its trailing slash."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return path.endswith(_paths()[1]) and not path.endswith(_paths()[0])


ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# How a request target stands to the operation's path (CO-REQ-10, RFC 3986 section 6.2.2).
Target = Literal["path", "equivalent", "dot-segments", "other"]


def _unreserved_decoded(path: str) -> str:
    return ESCAPE.sub(
        lambda m: c if (c := chr(int(m.group(1), 16))) in UNRESERVED else m.group(0), path
    )


def _without_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, for an absolute path."""
    out: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    tail = "/" if path.endswith(("/.", "/..")) else ""
    return "/" + "/".join(out) + tail


@functools.lru_cache(maxsize=1024)
def target(url: str) -> Target:
    """The operation's path as written, a spelling RFC 3986 normalises to it (encoded
    unreserved characters; dot segments), or another path."""
    path = urlsplit(url).path
    operation = _paths()[0]
    if path.endswith(operation):
        return "path"
    decoded = _unreserved_decoded(path)
    if decoded.endswith(operation):
        return "equivalent"
    resolved = _without_dot_segments(decoded)
    if resolved != decoded and resolved.endswith(operation):
        return "dot-segments"
    return "other"


def well_formed(values: Sequence[str]) -> bool:
    """Whether the Authorization field lines are one credential of the form `Token <key>`."""
    return len(values) == 1 and _credential_form(values[0])


@functools.lru_cache(maxsize=4096)
def _credential_form(value: str) -> bool:
    # A channel sends its one credential again and again: each value matched once.
    return bool(CREDENTIAL.fullmatch(value.strip(" ")))


def _form_case(value: str) -> tuple[str | None, str]:
    """The CO-AUTH-01 case a malformed credential exercises, and the key it carries."""
    text = value.strip(" ")
    if text.lower() == "token":
        return "scheme-only", ""
    parts = re.match(r"^(\S+)([ \t]+)(.*)$", text, re.DOTALL)
    if parts is None:
        return "bare-key", text
    head, space, key = parts.groups()
    if head.lower() == "token":
        # A tab is no separator (RFC 9110: 1*SP); else a key that is no token68-like text.
        return ("tab-separator" if "\t" in space else None), key.strip(" \t")
    return ("misspelt-scheme" if head.lower().startswith("token") else "other-scheme"), key


def credential(seen: Seen, book: Book) -> Broken | None:
    """The CO-AUTH-01 rule a request's Authorization breaks, if any."""
    lines = seen.exchange.request_header_lines("Authorization")
    fuzzed = seen.exchange.source.startswith("fuzz")
    generated = "CO-AUTH-01/generated-without-token"
    if not lines or (len(lines) == 1 and not lines[0].strip()):
        case = generated if fuzzed else f"CO-AUTH-01/{'empty-value' if lines else 'no-header'}"
        return Broken("CO-AUTH-01", case, "no credential", 401, ("not_authenticated",))
    refused = ("authentication_failed",)
    if len(lines) > 1:
        case = generated if fuzzed else "CO-AUTH-01/repeated-header"
        return Broken("CO-AUTH-01", case, "two Authorization field lines", 401, refused)
    if lines[0] in book.facts.near_miss:
        what = "a key one edit away from a valid key"
        return Broken("CO-AUTH-01", "CO-AUTH-01/near-miss-keys", what, 401, refused)
    if well_formed(lines):
        # Unknown: the facts say so, or a 401 for it came before (a refused key stays refused).
        if seen.channel not in book.facts.unknown and seen.channel not in book.refused:
            return None
        case = generated if fuzzed else "CO-AUTH-01/unknown-key"
        return Broken("CO-AUTH-01", case, "a key the deployment does not know", 401, refused)
    form, key = _form_case(lines[0])
    # A form case is the valid key written wrongly: it counts only with a key known to be valid.
    counts = form == "scheme-only" or (bool(key) and book.valid_channel(channel_of(key)))
    case = generated if fuzzed else f"CO-AUTH-01/{form or 'other-scheme'}"
    what = "a credential not of the form `Token <key>`"
    return Broken("CO-AUTH-01", case, what, 401, refused, counts=counts or fuzzed)


def media_type(value: str) -> str | None:
    """`type/subtype` of a Content-Type value, lower case (None: not a media type)."""
    found = MEDIA_TYPE.match(value)
    return f"{found.group(1)}/{found.group(2)}".lower() if found else None


def _key(seen: Seen) -> Broken | None:
    lines = seen.exchange.request_header_lines("Idempotency-Key")
    if not lines:
        return None
    invalid = ("invalid_request",)
    if len(lines) > 1:
        return Broken(
            "CO-REQ-07", "CO-REQ-07/repeated-header", "two Idempotency-Key lines", 400, invalid
        )
    key = lines[0].strip(" \t")  # field values lose their surrounding whitespace (RFC 9110)
    limits = request_limits()
    if len(key) < limits.key_min:
        case = "empty"
    elif len(key) > limits.key_max:
        case = "too-long"
    elif not KEY_TEXT.fullmatch(key):
        case = "not-printable-ascii"
    else:
        return None
    return Broken("CO-REQ-07", f"CO-REQ-07/{case}", "an invalid Idempotency-Key", 400, invalid)


def _depth(value: object) -> int:
    """How deeply a JSON value nests objects and arrays (a scalar: 0)."""
    depth, level = 0, [value]
    while True:
        containers = [x for x in level if isinstance(x, dict | list)]
        if not containers:
            return depth
        depth += 1
        level = [v for x in containers for v in (x.values() if isinstance(x, dict) else x)]


def nesting(seen: Seen) -> int:
    """The request's nesting depth; 0 when it cannot be past VALID_DEPTH (the walk spared)."""
    body = seen.exchange.request_body
    # Each level opens a bracket, so the brackets in all (in strings too) bound the depth.
    if seen.request is NOT_JSON or body.count(b"{") + body.count(b"[") <= VALID_DEPTH:
        return 0
    return _depth(seen.request)


def depth_case(depth: int) -> str:
    """The CO-REQ-09 case a body nested `depth` levels deep (past VALID_DEPTH) exercises."""
    limit = request_limits().nesting_depth
    if limit - 1 <= depth <= limit + 1:
        return "CO-REQ-09/depth-boundary"
    return "CO-REQ-09/within-limit" if depth <= limit else "CO-REQ-09/beyond-limit"


def raw_depth(body: bytes) -> int:
    """How deeply a body's brackets nest, strings skipped (for bodies too deep to parse)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


@dataclass(frozen=True)
class SchemaFault:
    """Why a body breaks the request schema: the rule, its case, the fields to name."""

    requirement: str
    case: str
    fields: tuple[str, ...]


def _field(path: Sequence[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_case(error: Any) -> tuple[str, str, str]:
    """(requirement, case, field) of one schema error."""
    path = list(error.absolute_path)
    where = _field(path)
    validator = error.validator
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed) or [""]
        name = _field([*path, extra[0]])
        return ("CO-REQ-05", "item-level" if path else "top-level", name)
    if not path and validator == "type":
        return "CO-REQ-04", "root-not-object", "non_field_errors"
    if validator == "required":
        missing = next((r for r in error.validator_value if r not in error.instance), "")
        name = _field([*path, missing])
        return "CO-REQ-04", "missing-order" if not path else "item-bounds", name
    if validator in ("type", "oneOf", "anyOf"):
        return "CO-REQ-04", "wrong-types", where
    if path[:1] == ["order"]:
        return "CO-REQ-04", "order-bounds", where
    return "CO-REQ-04", "item-bounds", where


@functools.lru_cache(maxsize=4096)
def schema_fault(body: bytes) -> SchemaFault | None:
    """How a well-formed body breaks the CaptureOrder schema (None: it does not)."""
    value = read_body(body).value
    judge = contract_judge()
    if judge.is_valid(REQUEST_SCHEMA, value):
        return None
    errors = sorted(
        judge.iter_errors(REQUEST_SCHEMA, value), key=lambda e: (len(e.absolute_path), str(e.path))
    )
    found = [_schema_case(e) for e in errors]
    requirement = "CO-REQ-05" if all(r == "CO-REQ-05" for r, _, _ in found) else "CO-REQ-04"
    case = next(c for r, c, _ in found if r == requirement)
    return SchemaFault(requirement, case, tuple(dict.fromkeys(f for _, _, f in found)))


UNSUPPORTED = ("unsupported_media_type",)
MALFORMED = ("malformed_json",)
INVALID = ("invalid_request",)
NESTED = ("malformed_json", "invalid_request")
NOT_FOUND = ("order_not_found",)
NOT_ALLOWED = ("method_not_allowed",)


def status_cases(known: KnownOrder) -> tuple[str, ...]:
    """The CO-CAP-06 case of a cancelled status the rule's text lists (`50`, `100`), for an
    order the facts give in that status."""
    if known.refusal == "order_cancelled" and known.status in order_statuses("cancelled"):
        return (f"CO-CAP-06/cancelled-{known.status}",)
    return ()


def _media(seen: Seen) -> Broken | None:
    content_type = seen.exchange.request_header("Content-Type")
    if content_type is None:
        what = "a body without Content-Type"
        return Broken("CO-REQ-01", "CO-REQ-01/no-content-type", what, 415, UNSUPPORTED)
    read = media_type(content_type)
    if read != "application/json":
        what = f"a {content_type} body"
        # A type that only looks like JSON (`+json`, `json-seq`, `text/json`): its own case.
        case = (
            "look-alike-types" if "json" in (read or content_type.lower()) else "other-media-type"
        )
        return Broken("CO-REQ-01", f"CO-REQ-01/{case}", what, 415, UNSUPPORTED)
    return None


def json_spelled_otherwise(seen: Seen) -> bool:
    """Whether the Content-Type is `application/json` written with parameters, in another case
    or with whitespace (RFC 9110 section 8.3.1: the same media type)."""
    written = seen.exchange.request_header("Content-Type")
    return (
        written is not None
        and written != "application/json"
        and media_type(written) == "application/json"
    )


def _json(seen: Seen) -> Broken | None:
    """The 400 of a body that is not I-JSON, nested too deeply, or breaks the schema."""
    body = seen.exchange.request_body[: request_limits().body_bytes + 1]
    if not body:
        return Broken("CO-REQ-03", "CO-REQ-03/empty-body", "an empty body", 400, MALFORMED)
    fault = read_body(body).fault
    if fault == "too-deep":
        what = f"a body nested {raw_depth(body)} levels deep"
        return Broken("CO-REQ-09", "CO-REQ-09/beyond-limit", what, 400, NESTED)
    if fault is not None:
        return Broken(
            "CO-REQ-03", f"CO-REQ-03/{fault}", "a body that is not I-JSON", 400, MALFORMED
        )
    depth = nesting(seen)
    if depth > request_limits().nesting_depth:
        what = f"a body nested {depth} levels deep"
        return Broken("CO-REQ-09", depth_case(depth), what, 400, NESTED)
    schema = schema_fault(body)
    if schema is None:
        return None
    case = f"{schema.requirement}/{schema.case}"
    if depth > VALID_DEPTH:
        case = depth_case(depth)
    elif seen.exchange.source.startswith("fuzz"):
        case = "CO-REQ-04/generated-invalid"
    elif schema.requirement == "CO-REQ-04":
        case = past_limit(seen.request) or case
    what = "unknown fields" if schema.requirement == "CO-REQ-05" else "a schema-invalid body"
    return Broken(schema.requirement, case, what, 400, INVALID)


def stated_case(seen: Seen, book: Book) -> str | None:
    """The case a scenario said its body is an input of (CO-REQ-03's classes), if any."""
    stated = book.facts.body_cases.get((seen.exchange.source, seen.exchange.request_body))
    return stated[0] if stated is not None else None


def as_stated(broken: Broken, seen: Seen, book: Book) -> Broken:
    """A body's refusal as the case of the class it was sent from (the answer unchanged, but
    the schema's 400 may be malformed_json where the parser may refuse it first)."""
    stated = book.facts.body_cases.get((seen.exchange.source, seen.exchange.request_body))
    if stated is None:
        return broken
    case, either = stated
    codes = NESTED if either and broken.codes == INVALID else broken.codes
    return replace(broken, case=case, codes=codes)


def _wrong_path(exchange: Exchange, case: str, what: str) -> list[Broken]:
    """Another path than the operation's: 404, and the path is judged before the method."""
    path = [Broken("CO-REQ-10", case, what, 404, ("not_found",))]
    if exchange.method.upper() != "POST":
        method = f"method {exchange.method}"
        path.append(Broken("CO-REQ-08", "CO-REQ-08/other-methods", method, 405, NOT_ALLOWED))
    return path


def request_rules(seen: Seen, book: Book) -> tuple[list[Broken], bool]:
    """The request-level rules it breaks (path to 422 duplicate); whether the list is complete."""
    exchange = seen.exchange
    if slashless(exchange.url):
        what = "the path without its slash"
        case = "CO-REQ-10/no-slash-is-not-found"
        return _wrong_path(exchange, case, what), True
    written = target(exchange.url)
    if written == "other":
        what = "another path than the operation's"
        return _wrong_path(exchange, "CO-REQ-10/request-targets", what), True
    if written == "dot-segments" and (exchange.status, exchange.code) == (404, "not_found"):
        # A dot segment may be refused as another path, or resolved (CO-REQ-10).
        what = "a dot segment in the path"
        return _wrong_path(exchange, "CO-REQ-10/equivalent-targets", what), True
    found: list[Broken] = []
    if exchange.method.upper() != "POST":
        case = "generated-methods" if exchange.source.startswith("fuzz") else "other-methods"
        what = f"method {exchange.method}"
        found.append(Broken("CO-REQ-08", f"CO-REQ-08/{case}", what, 405, ("method_not_allowed",)))
    size = len(exchange.request_body)
    if size > request_limits().body_bytes:
        what = f"a {size}-byte body"
        case = "just-over-limit" if size == request_limits().body_bytes + 1 else "over-limit"
        found.append(Broken("CO-REQ-02", f"CO-REQ-02/{case}", what, 413, ("request_too_large",)))
    auth = credential(seen, book)
    if auth is not None:
        found.append(auth)
    if not exchange.request_body and exchange.request_header("Content-Type") is None:
        return found, False  # what a bodiless, untyped request gets is not this rule's call
    media = _media(seen)
    if media is not None:
        found.append(media)
    if urlsplit(exchange.url).query:
        what = "a query parameter the operation does not define"
        found.append(Broken("CO-REQ-10", "CO-REQ-10/query-string", what, 400, INVALID))
    key = _key(seen)
    if key is not None:
        found.append(key)
    if seen.request is NOT_JSON and exchange.request_body.startswith(b"\xef\xbb\xbf"):
        return found, False  # a byte order mark: RFC 8259 lets a parser ignore it
    refused = _json(seen)
    if refused is not None:
        found.append(as_stated(refused, seen, book))
        return found, True
    pks = seen.listed_pks()
    if len(pks) != len(set(pks)):
        what = "a pk listed twice"
        case = "CO-REQ-06/duplicate-is-422"
        found.append(Broken("CO-REQ-06", case, what, 422, ("duplicate_order_item",)))
    return found, True


def expected(seen: Seen, book: Book) -> Expected:
    """Every rule the request breaks, first first, and what a 200 must capture if none."""
    found, complete = request_rules(seen, book)
    if not complete or (found and found[0].requirement == "CO-REQ-10"):
        return Expected(tuple(found), complete)
    known = book.known(seen)
    if seen.order is None:
        return Expected(tuple(found), False)
    if known is None:
        return Expected((*found, *_seen_before(seen, book)), False)
    if not known.exists:
        case = known.variant_case or "CO-OLA-02/unknown-404"
        found.append(Broken("CO-OLA-02", case, "an order number no order has", 404, NOT_FOUND))
        return Expected(tuple(found), True)
    if known.channel is not None and seen.channel != known.channel:
        if not book.valid_channel(seen.channel):
            return Expected(tuple(found), False)  # a token of no known channel
        case = "CO-OLA-01/foreign-order-404"
        found.append(Broken("CO-OLA-01", case, "another channel's order", 404, NOT_FOUND))
        return Expected(tuple(found), True)
    listed = seen.listed_pks() if seen.items is not None else None
    unknown = set(listed or ()) & book.facts.unknown_pks
    if known.refusal is not None:
        state = book.state(seen)
        again = state is not None and state.state_refusal is not None
        case = "CO-CAP-06/state-unchanged" if again else known.refusal_case or "CO-CAP-06/cancelled"
        what = f"an order refused with {known.refusal}"
        also = () if again else status_cases(known)
        found.append(Broken("CO-CAP-06", case, what, 409, (known.refusal,), also=also))
        if unknown:
            what = "an item no order has"
            found.append(
                Broken("CO-CAP-03", "CO-CAP-03/unknown-item-422", what, 422, ITEM_NOT_FOUND)
            )
        return Expected(tuple(found), True)
    if not known.items:
        return Expected(tuple(found), False)
    state = book.state(seen)
    captured = state.captured if state is not None else set()
    items = set(known.items)
    if items <= captured:
        case = "CO-CAP-05/second-capture" if listed is None else "CO-MON-02/second-request"
        what = "an order already fully captured"
        found.append(Broken("CO-CAP-05", case, what, 409, ("order_already_captured",)))
    if listed is not None:
        if set(listed) - items:
            what = "an item that is not the order's"
            case = "CO-CAP-03/unknown-item-422"
            found.append(Broken("CO-CAP-03", case, what, 422, ITEM_NOT_FOUND))
        if set(listed) & captured:
            what = "an item already captured"
            case = "CO-CAP-04/captured-item-409"
            found.append(Broken("CO-CAP-04", case, what, 409, ("order_item_already_captured",)))
    if found:
        return Expected(tuple(found), True)
    if listed is None:
        now = tuple(sorted(items - captured))
        cases: tuple[str, ...]
        if captured:
            cases = ("CO-CAP-01/rest-after-partial", "CO-CAP-02/others-stay-capturable")
        else:
            cases = ("CO-CAP-01/whole-order",)
        return Expected((), True, now, cases)
    cases = ("CO-CAP-02/others-stay-capturable",) if captured else ("CO-CAP-02/listed-items-only",)
    return Expected((), True, tuple(sorted(set(listed))), cases)


ITEM_NOT_FOUND = ("order_item_not_found",)


def _seen_before(seen: Seen, book: Book) -> list[Broken]:
    """What the stream alone says of an order the facts do not know (traffic)."""
    state = book.state(seen)
    if state is not None and state.full is not None:
        what = "an order a 200 showed fully captured"
        case = "CO-CAP-05/second-capture"
        return [Broken("CO-CAP-05", case, what, 409, ("order_already_captured",))]
    return []

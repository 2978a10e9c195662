"""Answers fit the request: the first rule a request breaks decides its answer.

The evaluation order is the spec's (CO-ERR-05): 405, 413, 401, 415, 400 (key, then JSON, then
schema), idempotency, 422 duplicate; past those the answer depends on the order's state, which
the other rules judge. A request that breaks a rule and is answered as if it did not is a FAIL
of that rule's requirement; answered for a later rule it breaks, a WARN of CO-ERR-05.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from capture_order.conformance.context import describe
from capture_order.conformance.http import Exchange
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sequence.rule import Need, Rule
from capture_order.conformance.sequence.seen import NOT_JSON, Seen, request_json
from capture_order.contract.facts import problem_statuses
from capture_order.contract.validation import contract_judge

LIMIT = 65_536
KEY = re.compile(r"[\x20-\x7E]{1,255}")
REQUEST_SCHEMA = "/components/schemas/CaptureOrder"
ITEM_CODES = ("order_item_not_found", "order_item_already_captured", "duplicate_order_item")
ITEM_KEY = re.compile(r"order_items\[(\d+)\]\.pk")
# The requirement that names each code's answer, for codes answered with another status.
CODE_REQUIREMENTS = {
    "order_not_found": "CO-OLA-01",
    "order_already_captured": "CO-CAP-05",
    "order_item_already_captured": "CO-CAP-04",
    "order_item_not_found": "CO-CAP-03",
    "duplicate_order_item": "CO-REQ-06",
    "idempotency_key_reused": "CO-IDEM-02",
    "idempotency_request_in_progress": "CO-IDEM-03",
}
# A request that keeps every rule, refused as if it broke one: the rule and the finding's title.
KEPT_BUT_REFUSED = {
    405: ("CO-REQ-08", "A POST was answered 405"),
    415: ("CO-REQ-01", "An application/json body was refused as another media type"),
}
IDEMPOTENCY_ANSWERS = {(422, "idempotency_key_reused"), (409, "idempotency_request_in_progress")}


@dataclass(frozen=True)
class Broken:
    """A rule the request breaks and the answer it must then get."""

    requirement: str
    what: str
    status: int
    code: str


MAX_DEPTH = 32  # CO-REQ-09: nesting the schema judges; deeper bodies may be malformed_json
VALID_DEPTH = 4  # no valid request nests deeper: past it, a body exercises the nesting rule


def _depth(value: object) -> int:
    """How deeply a JSON value nests objects and arrays (a scalar: 0)."""
    depth, level = 0, [value]
    while True:
        containers = [x for x in level if isinstance(x, dict | list)]
        if not containers:
            return depth
        depth += 1
        level = [v for x in containers for v in (x.values() if isinstance(x, dict) else x)]


def _nesting_past_valid(seen: Seen) -> int:
    """The request's nesting depth; 0 when it cannot be past VALID_DEPTH (the walk spared)."""
    body = seen.exchange.request_body
    # Each level opens a bracket, so the brackets in all (in strings too) bound the depth.
    if body.count(b"{") + body.count(b"[") <= VALID_DEPTH:
        return 0
    return _depth(seen.request)


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


@functools.cache
def _code_statuses() -> dict[str, int]:
    return problem_statuses()


# RFC 9110 credentials (CO-AUTH-03): the scheme in any case, one or more spaces, the key.
CREDENTIAL = re.compile(r"^token +[\x21-\x7E]{1,256}$", re.IGNORECASE)


def well_formed(values: Sequence[str]) -> bool:
    """Whether the Authorization field lines are one credential of the form `Token <key>`."""
    return len(values) == 1 and _credential_form(values[0])


@functools.lru_cache(maxsize=4096)
def _credential_form(value: str) -> bool:
    # A channel sends its one credential again and again: each value matched once.
    return bool(CREDENTIAL.fullmatch(value.strip(" ")))


def _credential(values: Sequence[str]) -> Broken | None:
    if not values or (len(values) == 1 and not values[0].strip()):
        return Broken("CO-AUTH-01", "no credential", 401, "not_authenticated")
    if len(values) > 1:
        return Broken("CO-AUTH-01", "two Authorization field lines", 401, "authentication_failed")
    if not well_formed(values):
        return Broken(
            "CO-AUTH-01", "a credential not of the form `Token <key>`", 401, "authentication_failed"
        )
    return None


@functools.lru_cache(maxsize=4096)
def _schema_requirement(text: bytes) -> str | None:
    """CO-REQ-05 when the only violations are unknown fields, CO-REQ-04 for others, None: valid."""
    body = request_json(text)
    if contract_judge().is_valid(REQUEST_SCHEMA, body):
        return None
    errors = list(contract_judge().iter_errors(REQUEST_SCHEMA, body))
    return (
        "CO-REQ-05" if all(e.validator == "additionalProperties" for e in errors) else "CO-REQ-04"
    )


def broken_rules(seen: Seen) -> tuple[list[Broken], bool]:
    """The rules the request breaks, first first; and whether the list is complete."""
    exchange = seen.exchange
    found: list[Broken] = []
    if exchange.method.upper() != "POST":
        found.append(Broken("CO-REQ-08", f"method {exchange.method}", 405, "method_not_allowed"))
    if len(exchange.request_body) > LIMIT:
        found.append(
            Broken(
                "CO-REQ-02", f"a {len(exchange.request_body)}-byte body", 413, "request_too_large"
            )
        )
    auth = _credential(exchange.request_header_lines("Authorization"))
    if auth is not None:
        found.append(auth)
    content_type = exchange.request_header("Content-Type")
    if not exchange.request_body and content_type is None:
        return found, False  # what a bodiless, untyped request gets is not this rule's call
    if content_type is None:
        found.append(
            Broken("CO-REQ-01", "a body without Content-Type", 415, "unsupported_media_type")
        )
    elif content_type.split(";")[0].strip().lower() != "application/json":
        found.append(Broken("CO-REQ-01", f"a {content_type} body", 415, "unsupported_media_type"))
    keys = exchange.request_header_lines("Idempotency-Key")
    if len(keys) > 1:
        found.append(Broken("CO-REQ-07", "two Idempotency-Key lines", 400, "invalid_request"))
    elif seen.key is not None and not KEY.fullmatch(seen.key):
        found.append(Broken("CO-REQ-07", "an invalid Idempotency-Key", 400, "invalid_request"))
    if not exchange.request_body:
        found.append(Broken("CO-REQ-03", "an empty body", 400, "malformed_json"))
        return found, True
    if seen.request is NOT_JSON:
        if exchange.request_body.startswith(b"\xef\xbb\xbf"):
            return found, False
        found.append(Broken("CO-REQ-03", "a body that is not I-JSON", 400, "malformed_json"))
        return found, True
    requirement = _schema_requirement(exchange.request_body[: LIMIT + 1])
    if requirement is not None:
        what = "unknown fields" if requirement == "CO-REQ-05" else "a schema-invalid body"
        found.append(Broken(requirement, what, 400, "invalid_request"))
        return found, True
    pks = seen.listed_pks()
    if len(pks) != len(set(pks)):
        found.append(Broken("CO-REQ-06", "a pk listed twice", 422, "duplicate_order_item"))
    return found, True


class AnswersFitTheRequest(Rule):
    """Each request's answer is the one its first broken rule calls for."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(
            "answers_fit_the_request",
            (
                *(
                    Need(r, f"a request that breaks {r}'s rule alone")
                    for r in (
                        "CO-REQ-01",
                        "CO-REQ-02",
                        "CO-REQ-03",
                        "CO-REQ-04",
                        "CO-REQ-05",
                        "CO-REQ-06",
                        "CO-REQ-07",
                        "CO-REQ-08",
                        "CO-AUTH-01",
                    )
                ),
                Need("CO-REQ-09", "a body nested deeper than 32 levels"),
                Need("CO-ERR-05", "a request that breaks two rules at once"),
                Need("CO-ERR-06", "a 409 or 422 refusing a listed item"),
                *(
                    Need(r, f"a problem with code {code}")
                    for code, r in CODE_REQUIREMENTS.items()
                    if r != "CO-REQ-06"
                ),
            ),
            redactor,
        )

    def feed(self, seen: Seen) -> None:
        exchange = seen.exchange
        if exchange.status >= 500:
            # CO-ERR-03's sweep reports the 5xx; deep nesting answered so breaks CO-REQ-09 too.
            depth = raw_depth(exchange.request_body[: LIMIT + 1])
            if depth > VALID_DEPTH:
                self._nesting(
                    exchange,
                    False,
                    f"A body nested {depth} levels deep was answered 5xx",
                    "400 invalid_request (or malformed_json past 32 levels)",
                )
            return
        if exchange.code in ITEM_CODES:
            self._item_named(seen)
        self._code_has_its_status(seen)
        depth = 0 if seen.request is NOT_JSON else _nesting_past_valid(seen)
        if VALID_DEPTH < depth <= MAX_DEPTH and exchange.code == "malformed_json":
            # Well-formed and within the limit: the schema judges it, the parser may not refuse.
            self._nesting(
                exchange,
                False,
                f"A body nested {depth} levels deep (at most {MAX_DEPTH}) was refused as "
                "malformed JSON",
                "400 invalid_request naming the field",
            )
            return
        if depth >= MAX_DEPTH:
            # At the limit the schema judges it (the rules above); deeper is 400 either way.
            self._nesting(
                exchange,
                depth == MAX_DEPTH or exchange.status == 400,
                f"A body nested deeper than {MAX_DEPTH} levels was not refused with 400",
                "400 malformed_json or invalid_request",
            )
        broken, complete = broken_rules(seen)
        answer = (exchange.status, exchange.code)
        if not broken:
            if complete:
                self._kept_rules_not_refused(seen)
            return
        first = broken[0]
        self.observe(first.requirement)
        if len(broken) > 1:
            self.observe("CO-ERR-05")
        if answer == (first.status, first.code):
            self._allow_names_post(seen, first)
            self._root_error_named(seen, first)
            return
        if first.status > 401 and answer == (401, "authentication_failed"):
            return  # a well-formed but unknown token is refused first
        if (
            seen.key is not None
            and first.requirement == "CO-REQ-06"
            and (answer in IDEMPOTENCY_ANSWERS or seen.replayed)
        ):
            return  # idempotency is evaluated before duplicates
        later = [b for b in broken[1:] if answer == (b.status, b.code)]
        if later:
            self.expect(
                False,
                "CO-ERR-05",
                f"{first.what} and {later[0].what}: answered for the later rule",
                expected=f"{first.status} {first.code} (the first rule broken)",
                received=describe(exchange),
                exchanges=[exchange],
            )
            return
        self.expect(
            False,
            first.requirement,
            f"A request with {first.what} was not refused",
            expected=f"{first.status} with code {first.code}",
            received=describe(exchange),
            exchanges=[exchange],
        )

    def _nesting(self, exchange: Exchange, condition: bool, title: str, expected: str) -> None:
        """A judgement of CO-REQ-09 on a body nested past any valid request."""
        self.observe("CO-REQ-09")
        self.expect(
            condition,
            "CO-REQ-09",
            title,
            expected=expected,
            received=describe(exchange),
            exchanges=[exchange],
        )

    def _code_has_its_status(self, seen: Seen) -> None:
        """A problem code comes with the status the spec gives it (404 order_not_found, ...)."""
        code = seen.code
        requirement = CODE_REQUIREMENTS.get(code or "")
        if requirement is None:
            return
        wanted = _code_statuses().get(code or "")
        if wanted is None or seen.status == wanted:
            return  # the right status alone proves nothing of the rule: no PASS from it
        self.observe(requirement)
        self.expect(
            False,
            requirement,
            f"Problem {code} answered with another status",
            expected=f"{wanted} with code {code}",
            received=describe(seen.exchange),
            exchanges=[seen.exchange],
        )

    def _item_named(self, seen: Seen) -> None:
        """Item errors name the item by its index in the request: `order_items[<i>].pk`."""
        self.observe("CO-ERR-06")
        errors = (
            seen.exchange.json().get("errors") if isinstance(seen.exchange.json(), dict) else None
        )
        named = [int(m.group(1)) for k in errors or {} if (m := ITEM_KEY.fullmatch(str(k)))]
        self.expect(
            bool(named) and all(i < len(seen.items or []) for i in named),
            "CO-ERR-06",
            "An item error does not name the item by its index",
            expected=f"errors under order_items[<index>].pk ({len(seen.items or [])} items listed)",
            received=f"errors {json.dumps(errors)[:200]}",
            exchanges=[seen.exchange],
        )

    def _root_error_named(self, seen: Seen, first: Broken) -> None:
        """An error of the body as a whole (not a JSON object) is named `non_field_errors`."""
        if first.requirement != "CO-REQ-04" or isinstance(seen.request, dict):
            return
        body = seen.exchange.json()
        errors = body.get("errors") if isinstance(body, dict) else None
        self.expect(
            isinstance(errors, dict) and "non_field_errors" in errors,
            "CO-REQ-04",
            "An error of the whole body is not named non_field_errors",
            expected="errors naming non_field_errors",
            received=f"errors {json.dumps(errors)[:200]}",
            exchanges=[seen.exchange],
        )

    def _allow_names_post(self, seen: Seen, first: Broken) -> None:
        if first.status != 405:
            return
        allow = seen.exchange.header("Allow") or ""
        self.expect(
            "POST" in [m.strip().upper() for m in allow.split(",")],
            "CO-REQ-08",
            "405 does not name POST in Allow",
            expected="Allow: POST",
            received=f"Allow: {allow}" if allow else "no Allow header",
            exchanges=[seen.exchange],
        )

    def _kept_rules_not_refused(self, seen: Seen) -> None:
        """A request that keeps every rule up to the order's state is not refused for one."""
        exchange = seen.exchange
        wrong = KEPT_BUT_REFUSED.get(exchange.status)
        if exchange.status == 413:
            size = len(exchange.request_body)
            wrong = ("CO-REQ-02", f"A body of {size} bytes was refused as too large")
        if exchange.status == 400 and exchange.code == "malformed_json":
            wrong = ("CO-REQ-03", "Well-formed I-JSON was refused as malformed")
        if wrong is not None:
            self.observe(wrong[0])
            self.expect(
                False,
                wrong[0],
                wrong[1],
                expected="an answer for the order's state",
                received=describe(exchange),
                exchanges=[exchange],
            )

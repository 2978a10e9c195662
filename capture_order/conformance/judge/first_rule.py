"""Answers fit the request: the first rule a request breaks decides its answer.

A request that breaks a rule and is answered as if it did not is a FAIL of that rule's case;
answered for a later rule it breaks, a WARN of CO-ERR-05 (a SHOULD). The rules a request breaks
come from `broken.expected`, in the spec's order of evaluation; whatever is right about a 200
(what it captured) is the captures rule's.
"""

from __future__ import annotations

import functools
import json
import re

from capture_order.conformance.judge.book import Book, executed_capture
from capture_order.conformance.judge.broken import (
    PAIRS,
    VALID_DEPTH,
    Broken,
    Expected,
    nesting,
    pair_case,
    raw_depth,
    schema_fault,
)
from capture_order.conformance.judge.rule import Judged, Rule
from capture_order.conformance.judge.seen import NOT_JSON, Seen
from capture_order.conformance.judge.values import PROBLEM_JSON, describe, obj
from capture_order.conformance.reproduce import Redactor
from capture_order.contract.facts import order_statuses, problem_statuses, request_limits

ITEM_CODES = {
    "order_item_not_found": "CO-ERR-06/unknown-item",
    "order_item_already_captured": "CO-ERR-06/captured-item",
    "duplicate_order_item": "CO-ERR-06/duplicate-item",
}
ITEM_KEY = re.compile(r"order_items\[(\d+)\]\.pk")
IDEMPOTENCY_ANSWERS = {(422, "idempotency_key_reused"), (409, "idempotency_request_in_progress")}
# The case that names each code's answer, for a code answered with another status.
CODE_CASES = {
    "order_not_found": "CO-OLA-01/foreign-order-404",
    "order_already_captured": "CO-CAP-05/second-capture",
    "order_item_already_captured": "CO-CAP-04/captured-item-409",
    "order_item_not_found": "CO-CAP-03/unknown-item-422",
    "duplicate_order_item": "CO-REQ-06/duplicate-is-422",
}
LOSER_CODES = ("order_already_captured", "order_item_already_captured")
# The rules evaluated before the credential (CO-ERR-05): the path, the method, the size.
BEFORE_TOKEN = frozenset({"CO-REQ-10", "CO-REQ-08", "CO-REQ-02", "CO-AUTH-01"})
# The rules of what earlier captures left: a finding shows the 200 that made the state.
STATE_LEVEL = frozenset({"CO-CAP-03", "CO-CAP-04", "CO-CAP-05"})
# The rules of the request itself, evaluated before the order is looked up (CO-ERR-05).
REQUEST_LEVEL = frozenset(
    {
        *("CO-REQ-08", "CO-REQ-02", "CO-AUTH-01", "CO-REQ-01", "CO-REQ-07"),
        *("CO-REQ-03", "CO-REQ-04", "CO-REQ-05", "CO-REQ-09", "CO-REQ-06"),
    }
)

ALONE = "a request that breaks this rule alone"
CASES = (
    Judged("CO-AUTH-01/no-header", "a request without Authorization"),
    Judged("CO-AUTH-01/empty-value", "a request with an empty Authorization value"),
    Judged("CO-AUTH-01/scheme-only", "`Authorization: Token` with no key"),
    Judged("CO-AUTH-01/bare-key", "a known key sent without its scheme"),
    Judged("CO-AUTH-01/other-scheme", "a known key under another scheme (Bearer, Basic)"),
    Judged("CO-AUTH-01/misspelt-scheme", "a known key under `Tokens` or `Token:`"),
    Judged("CO-AUTH-01/tab-separator", "a known key after `Token` and a tab"),
    Judged("CO-AUTH-01/unknown-key", "a well-formed key refused with 401 and sent again"),
    Judged("CO-AUTH-01/repeated-header", "a request with two Authorization field lines"),
    Judged("CO-AUTH-01/generated-without-token", "a generated request without a valid token"),
    Judged("CO-REQ-01/other-media-type", "a body sent as another media type than JSON"),
    Judged("CO-REQ-01/no-content-type", "a body sent without Content-Type"),
    Judged("CO-REQ-02/over-limit", "a body over the size limit"),
    Judged("CO-REQ-02/at-limit", "a body of exactly the size limit"),
    Judged("CO-REQ-03/not-json", "a body that is not well-formed JSON"),
    Judged("CO-REQ-03/invalid-utf8", "a body that is not UTF-8"),
    Judged("CO-REQ-03/escaped-surrogate", "a body with an escaped lone surrogate"),
    Judged("CO-REQ-03/duplicate-member", "a body with a member named twice"),
    Judged("CO-REQ-03/empty-body", "an empty body sent as application/json"),
    Judged("CO-REQ-04/missing-order", "a body without `order`"),
    Judged("CO-REQ-04/order-bounds", "an `order` out of its bounds"),
    Judged("CO-REQ-04/wrong-types", "a field of the wrong type"),
    Judged("CO-REQ-04/item-bounds", "order_items or an item out of bounds"),
    Judged("CO-REQ-04/root-not-object", "a body that is not a JSON object"),
    Judged("CO-REQ-04/generated-invalid", "a generated schema-invalid request"),
    Judged("CO-REQ-05/top-level", "an unknown top-level field"),
    Judged("CO-REQ-05/item-level", "an unknown field of an item"),
    Judged("CO-REQ-06/duplicate-is-422", "a pk listed twice"),
    Judged("CO-REQ-07/empty", "an empty Idempotency-Key"),
    Judged("CO-REQ-07/too-long", "an Idempotency-Key over the length limit, or at it"),
    Judged("CO-REQ-07/not-printable-ascii", "an Idempotency-Key with a character not printable"),
    Judged("CO-REQ-07/repeated-header", "two Idempotency-Key field lines"),
    Judged("CO-REQ-08/other-methods", "a request with another method than POST"),
    Judged("CO-REQ-08/allow-header", "a 405"),
    Judged("CO-REQ-08/generated-methods", "a generated request with another method"),
    Judged("CO-REQ-09/within-limit", "a body nested 5 to 32 levels deep"),
    Judged("CO-REQ-09/beyond-limit", "a body nested deeper than 32 levels"),
    Judged("CO-REQ-10/no-slash-is-not-found", "a request to the path without its slash"),
    # A 404 alone does not say whose order it was: the traffic must show the owner first, or
    # the fixtures must name the order and both tokens.
    Judged(
        "CO-OLA-01/foreign-order-404",
        "a request for an order known to be another channel's (an earlier 200 of its own "
        "channel in the traffic, or foreign_orders and foreign_token in --fixtures)",
    ),
    Judged("CO-OLA-02/unknown-404", "a request for an order number no order has"),
    Judged("CO-CAP-03/unknown-item-422", "a list with a pk that is not the order's"),
    Judged("CO-CAP-04/captured-item-409", "a list with an item already captured"),
    Judged("CO-CAP-05/second-capture", "a capture of an order after it was fully captured"),
    Judged("CO-CAP-06/cancelled", "a capture of a cancelled order"),
    Judged("CO-CAP-06/refunded", "a capture of a refunded order"),
    Judged("CO-CAP-06/not-capturable", "a capture of an order in a status not capturable"),
    Judged("CO-CAP-06/cancel-status", "a capture of an order with a cancel_status (facts)"),
    Judged("CO-CAP-06/cancel-beats-refund", "a refunded order with a cancel_status (facts)"),
    Judged("CO-CAP-06/state-unchanged", "a second capture of an uncapturable order"),
    *(
        Judged(f"CO-CAP-06/cancelled-{status}", f"a capture of an order in status {status} (facts)")
        for status in sorted(order_statuses("cancelled"), key=int)
    ),
    Judged("CO-CAP-10/other-case", "a fixture order's number with its case swapped"),
    Judged("CO-CAP-10/surrounding-space", "a fixture order's number with a leading space"),
    Judged("CO-ERR-01/method-not-allowed", "a 405"),
    *(
        Judged(f"CO-ERR-05/{case}", "a request breaking both rules")
        for case in dict.fromkeys(PAIRS.values())
    ),
    Judged("CO-ERR-06/unknown-item", "a 422 order_item_not_found"),
    Judged("CO-ERR-06/captured-item", "a 409 order_item_already_captured"),
    Judged("CO-ERR-06/duplicate-item", "a 422 duplicate_order_item"),
)


@functools.cache
def _code_statuses() -> dict[str, int]:
    return problem_statuses()


def _error_keys(seen: Seen) -> list[str]:
    return [str(k) for k in obj(obj(seen.exchange.json()).get("errors"))]


def _key_of(seen: Seen) -> str | None:
    """The request's Idempotency-Key as a server reads it (surrounding whitespace dropped)."""
    return seen.key.strip(" \t") if seen.key is not None else None


def _names(keys: list[str], field: str) -> bool:
    """Whether an `errors` key names the field (its last component, anywhere in a path)."""
    name = re.split(r"[.\[\]]+", field.strip(".[]"))[-1] if field else ""
    pattern = re.compile(rf"(^|[.\[\]]){re.escape(name)}($|[.\[\]])")
    return any(pattern.search(key) for key in keys)


class AnswersFitTheRequest(Rule):
    """Each request's answer is the one its first broken rule calls for."""

    def __init__(self, redactor: Redactor, book: Book) -> None:
        super().__init__("answers_fit_the_request", CASES, redactor)
        self.book = book
        self.channel_values: dict[str, Seen] = {}  # token channel -> its first 200

    def feed_expected(self, seen: Seen, expected: Expected) -> None:
        """Judge one exchange against what the rules say of its request."""
        exchange = seen.exchange
        if exchange.status >= 500:
            self._deep_5xx(seen)
            return
        if seen.code in ITEM_CODES:
            self._item_named(seen)
        self._code_has_its_status(seen)
        if exchange.status == 200:
            self._one_channel_per_token(seen)
        if exchange.status == 405:
            self._method_answer(seen)
        if seen.code == "order_not_found" and self.book.owner_elsewhere(seen) is not None:
            # Without the facts: a 404 for a number another channel's 200 captured.
            self.observe("CO-OLA-01/foreign-order-404")
        self._limits_kept(seen)
        first = expected.first
        if first is None:
            self._kept_rules_not_refused(seen, expected)
            return
        answer = (exchange.status, exchange.code)
        pair = pair_case(expected)
        if first.answered(*answer):
            if first.counts:
                self.observe(first.case)
                for case in first.also:
                    self.observe(case)
            if pair is not None:
                self.observe(pair)
            self._answer_details(seen, first)
            return
        if self._not_ours(seen, expected, first):
            return
        wrong = self._refused_anyway(seen, len(exchange.request_body), _key_of(seen))
        if wrong is not None and not any(b.answered(*answer) for b in expected.broken):
            self.expect(  # refused for a rule it keeps: that rule's finding
                False,
                wrong[0],
                wrong[1],
                expected=f"{first.wanted} (the first rule broken)",
                received=describe(exchange),
                exchanges=[exchange],
            )
            return
        # Answered for a later rule. Among the request's own rules, or among the order's, the
        # order of evaluation (a SHOULD) was not kept. A request-level rule answered as the
        # order's instead was not applied at all: its MUST fails too.
        later = next((b for b in expected.broken[1:] if b.answered(*answer)), None)
        if later is not None and (later.requirement in REQUEST_LEVEL) == (
            first.requirement in REQUEST_LEVEL
        ):
            self._later(seen, first, later, pair)
            return
        state = self.book.state(seen) if first.requirement in STATE_LEVEL else None
        last = state.last if state is not None else None  # the 200 that made the state
        for case in (first.case, *first.also):
            self.expect(
                False,
                case,
                f"A request with {first.what} was not refused as the rule says",
                expected=first.wanted,
                received=describe(exchange),
                exchanges=[*([last.exchange] if last is not None else []), exchange],
            )
        if later is not None and (first.requirement, later.requirement) in PAIRS:
            self._later(seen, first, later, pair)

    def _later(self, seen: Seen, first: Broken, later: Broken, pair: str | None) -> None:
        self.expect(
            False,
            pair or "CO-ERR-05",
            f"{first.what} and {later.what}: answered for the later rule",
            expected=f"{first.wanted} (the first rule broken)",
            received=describe(seen.exchange),
            exchanges=[seen.exchange],
        )

    def _not_ours(self, seen: Seen, expected: Expected, first: Broken) -> bool:
        """Answers another rule judges, or that the stream cannot tell wrong."""
        answer = (seen.status, seen.code)
        if first.requirement not in BEFORE_TOKEN and answer == (401, "authentication_failed"):
            # A well-formed key refused: unknown to the deployment (so the answer is right), or
            # a known key spelled otherwise than `Token <key>` (CO-AUTH-03: the tokens rule).
            written = seen.exchange.request_header("Authorization") or ""
            spelled_otherwise = not written.startswith("Token ") or "  " in written
            return not self.book.valid_channel(seen.channel) or spelled_otherwise
        if seen.key is not None and (answer in IDEMPOTENCY_ANSWERS or seen.marked):
            # Idempotency is evaluated before the duplicate and the order (the keys rule).
            return first.status >= 404 or first.requirement == "CO-REQ-06"
        # What the stream alone says of an order (CAP-05 after a full capture): only a capture
        # is wrong there; a refusal may come from a state the stream did not show.
        return (
            not expected.complete
            and first.requirement == "CO-CAP-05"
            and not executed_capture(seen)
        )

    def _answer_details(self, seen: Seen, first: Broken) -> None:
        """An answer of the right status and code also says what the rule says to say."""
        if first.status == 400 and first.requirement in ("CO-REQ-04", "CO-REQ-05"):
            self._fields_named(seen, first)
        if first.requirement == "CO-REQ-07" and seen.status == 400:
            keys = _error_keys(seen)
            self.expect(
                "Idempotency-Key" in keys,
                first.case,
                "A 400 for an invalid Idempotency-Key does not name it",
                expected="errors naming Idempotency-Key",
                received=f"errors keys {keys}",
                exchanges=[seen.exchange],
            )

    def _fields_named(self, seen: Seen, first: Broken) -> None:
        body = seen.exchange.request_body[: request_limits().body_bytes + 1]
        fault = schema_fault(body) if seen.request is not NOT_JSON else None
        if fault is None:
            return
        keys = _error_keys(seen)
        root = fault.case == "root-not-object"
        named = "non_field_errors" in keys if root else any(_names(keys, f) for f in fault.fields)
        self.expect(
            named,
            first.case,
            "An error of the whole body is not named non_field_errors"
            if root
            else "The 400 does not name the invalid field",
            expected="errors naming non_field_errors"
            if root
            else f"errors with a key naming {' or '.join(repr(f) for f in fault.fields[:3])}",
            received=f"errors keys {keys}",
            exchanges=[seen.exchange],
        )

    def _method_answer(self, seen: Seen) -> None:
        """A 405 names POST in Allow and is a problem document."""
        allow = seen.exchange.header("Allow") or ""
        self.expect(
            "POST" in [m.strip().upper() for m in allow.split(",")],
            "CO-REQ-08/allow-header",
            "405 does not name POST in Allow",
            expected="Allow: POST",
            received=f"Allow: {allow}" if allow else "no Allow header",
            exchanges=[seen.exchange],
        )
        self.expect(
            seen.exchange.media_type == PROBLEM_JSON,
            "CO-ERR-01/method-not-allowed",
            "405 is not a problem document",
            expected=PROBLEM_JSON,
            received=seen.exchange.media_type or "no content type",
            exchanges=[seen.exchange],
        )

    def _deep_5xx(self, seen: Seen) -> None:
        """CO-ERR-03's sweep reports every 5xx; deep nesting answered so breaks CO-REQ-09 too."""
        depth = raw_depth(seen.exchange.request_body[: request_limits().body_bytes + 1])
        if depth > VALID_DEPTH:
            limit = request_limits().nesting_depth
            self.expect(
                False,
                "CO-REQ-09/within-limit" if depth <= limit else "CO-REQ-09/beyond-limit",
                f"A body nested {depth} levels deep was answered 5xx",
                expected="400 invalid_request (or malformed_json past 32 levels)",
                received=describe(seen.exchange),
                exchanges=[seen.exchange],
            )

    def _code_has_its_status(self, seen: Seen) -> None:
        """A problem code comes with the status the spec gives it (404 order_not_found, ...)."""
        code = seen.code
        case = CODE_CASES.get(code or "")
        wanted = _code_statuses().get(code or "")
        if case is None or wanted is None or seen.status == wanted:
            return  # the right status alone proves nothing of the rule: no PASS from it
        self.expect(
            False,
            case,
            f"Problem {code} answered with another status",
            expected=f"{wanted} with code {code}",
            received=describe(seen.exchange),
            exchanges=[seen.exchange],
        )

    def _item_named(self, seen: Seen) -> None:
        """Item errors name the item by its index in the request: `order_items[<i>].pk`."""
        keys = _error_keys(seen)
        named = [int(m.group(1)) for k in keys if (m := ITEM_KEY.fullmatch(k))]
        count = len(seen.items or [])
        self.expect(
            bool(named) and all(i < count for i in named),
            ITEM_CODES[seen.code or ""],
            "An item error does not name the item by its index",
            expected=f"errors under order_items[<index>].pk ({count} items listed)",
            received=f"errors {json.dumps(obj(obj(seen.exchange.json()).get('errors')))[:200]}",
            exchanges=[seen.exchange],
        )

    def _one_channel_per_token(self, seen: Seen) -> None:
        """Every 200 of one token is for orders of one channel (`channel` of the Order)."""
        value = seen.body.get("channel")
        if seen.channel is None or not isinstance(value, int) or seen.marked:
            return
        first = self.channel_values.setdefault(seen.channel, seen)
        if first.body.get("channel") != value:
            self.expect(
                False,
                "CO-OLA-01/foreign-order-404",
                "One token captured orders of two channels",
                expected=f"channel {first.body.get('channel')} in every 200 for this token",
                received=f"channel {value} for order {seen.order}",
                exchanges=[first.exchange, seen.exchange],
            )

    def _limits_kept(self, seen: Seen) -> None:
        """A body of exactly the size limit, a key of exactly the length limit: not refused."""
        exchange = seen.exchange
        limits = request_limits()
        if len(exchange.request_body) == limits.body_bytes and exchange.status != 413:
            self.observe("CO-REQ-02/at-limit")
        key = seen.key.strip(" \t") if seen.key is not None else None
        invalid_key = exchange.status == 400 and "Idempotency-Key" in _error_keys(seen)
        if key is not None and len(key) == limits.key_max and not invalid_key:
            self.observe("CO-REQ-07/too-long")

    def _kept_rules_not_refused(self, seen: Seen, expected: Expected) -> None:
        """A request that keeps every rule is not refused for one of them."""
        exchange = seen.exchange
        wrong = self._refused_anyway(seen, len(exchange.request_body), _key_of(seen))
        if wrong is not None:
            self.expect(
                False,
                wrong[0],
                wrong[1],
                expected="an answer for the order's state",
                received=describe(exchange),
                exchanges=[exchange],
            )

    def _refused_anyway(self, seen: Seen, size: int, key: str | None) -> tuple[str, str] | None:
        """The case a refusal of a request that keeps every rule breaks, and its title."""
        exchange = seen.exchange
        limits = request_limits()
        body_read = seen.request is not NOT_JSON  # the body was judged: JSON, within the schema
        if exchange.status == 413 and size <= limits.body_bytes:
            return "CO-REQ-02/at-limit", f"A body of {size} bytes was refused as too large"
        if exchange.status == 415 and exchange.request_body:
            return "CO-REQ-01/other-media-type", "An application/json body was refused with 415"
        if exchange.status == 405 and exchange.method.upper() == "POST":
            return "CO-REQ-08/other-methods", "A POST was answered 405"
        if exchange.status != 400 or not body_read:
            return None
        if exchange.code == "malformed_json":
            depth = nesting(seen)
            if depth > VALID_DEPTH:
                title = (
                    f"A body nested {depth} levels deep (at most {limits.nesting_depth}) was "
                    "refused as malformed JSON"
                )
                return "CO-REQ-09/within-limit", title
            return "CO-REQ-03/not-json", "Well-formed I-JSON was refused as malformed"
        if key is not None and "Idempotency-Key" in _error_keys(seen):
            case = "too-long" if len(key) == limits.key_max else "not-printable-ascii"
            return f"CO-REQ-07/{case}", "A valid Idempotency-Key was refused"
        if exchange.code == "invalid_request":
            fuzzed = exchange.source.startswith("fuzz")
            case = "CO-REQ-04/generated-invalid" if fuzzed else "CO-REQ-04/wrong-types"
            return case, "A schema-valid body was refused as invalid"
        return None

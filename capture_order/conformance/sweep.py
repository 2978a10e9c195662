"""Run-wide checks over every response the suite received, semantic and fuzzed alike.

These are the suite's per-exchange judgements of the contract (documented status, media type,
headers and body schema; problem documents; leaks): every response is judged here, with the
contract's one validator (`contract.validation`), whichever part of the suite sent the request.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import ahocorasick_rs

from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.values import JSON, PROBLEM_JSON, describe
from capture_order.conformance.reproduce import Redactor, curl_command
from capture_order.conformance.verdict import CheckFinding, CheckResult, Status
from capture_order.contract.facts import (
    documented_responses,
    header_required,
    response_schema_pointer,
)
from capture_order.contract.validation import contract_judge

MAX_FINDINGS = 5
PROBLEM_SCHEMA = "/components/schemas/Problem"
ORDER_SCHEMA = "/components/schemas/Order"
PROBLEM_TYPE = re.compile(r"^/problems/[a-z0-9]+(-[a-z0-9]+)*$")
CHALLENGE = re.compile(r"^\s*Token\b")
LEAKS = {
    "a stack trace": re.compile(
        r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+"
        r"|\bat [\w.$]+\([\w]+\.java:\d+\)"
    ),
    "SQL or a database error": re.compile(
        r"\bSELECT\s[^\n]{0,200}?\sFROM\s|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
        r"|sqlite3?\.|psycopg|sqlalchemy|IntegrityError|OperationalError|syntax error at or near",
        re.IGNORECASE,
    ),
    "an internal path": re.compile(
        r"(?<![\w.])(/usr/(local/)?lib/|/opt/|/home/|/root/|/srv/|/var/(lib|www)/|/work/|site-packages|[A-Za-z]:\\\\)"
    ),
}


# Literals one of which each leak pattern needs (lower case): a text with none of them cannot
# match, so most bodies skip the regular expressions. Only for ASCII text (IGNORECASE folds
# some non-ASCII letters onto ASCII ones).
LEAK_HINTS = {
    "a stack trace": ("traceback (most recent", 'file "', ".java:"),
    "SQL or a database error": (
        "select",
        "insert",
        "update",
        "delete",
        "sqlite",
        "psycopg",
        "sqlalchemy",
        "integrityerror",
        "operationalerror",
        "syntax error at or near",
    ),
    "an internal path": (
        "/usr/",
        "/opt/",
        "/home/",
        "/root/",
        "/srv/",
        "/var/",
        "/work/",
        "site-packages",
        ":\\\\",
    ),
}

# (requirement or None for all of the sweep's, title, expected, received)
Draft = tuple[str | None, str, str, str]
Evidence = tuple[tuple[Exchange, ...], Draft]
# One exchange at a time (with the run's secrets) ...
Inspect = Callable[[Exchange, tuple[str, ...]], list[Draft]]
# ... or across the exchanges: a factory of a stateful judge fed one exchange at a time, which
# returns each draft with the exchanges that reproduce it (bounded state: streams are long).
Across = Callable[[], Callable[[Exchange], list[Evidence]]]


@dataclass(frozen=True)
class Sweep:
    """A run-wide check: a property every exchange must have, or all of them together."""

    name: str
    cases: tuple[str, ...]
    inspect: Inspect | None
    across: Across | None = None
    # The lowest status it judges: an exchange below passes it unlooked at (a stream of 200s
    # need not call the error sweeps to learn that they have nothing to say).
    floor: int = 0


def _problem(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    if exchange.status < 400:
        return []
    if exchange.media_type != PROBLEM_JSON:
        return [
            (None, f"{exchange.status} is not a problem document", PROBLEM_JSON, describe(exchange))
        ]
    body = exchange.json()
    schema = _schema_pointer(exchange.status, PROBLEM_JSON) or PROBLEM_SCHEMA
    problems = list(_body_errors(schema, exchange))
    if isinstance(body, dict) and body.get("status") != exchange.status:
        problems.append(
            f"status {body.get('status')!r} differs from the HTTP status {exchange.status}"
        )
    if problems:
        return [
            (
                None,
                f"{exchange.status} problem document is invalid",
                f"a {schema.rsplit('/', 1)[-1]} with status == {exchange.status}",
                "; ".join(problems),
            )
        ]
    return []


def _relative_type(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    body = exchange.json()
    if exchange.status < 400 or not isinstance(body, dict) or "type" not in body:
        return []
    kind = body.get("type")
    if isinstance(kind, str) and PROBLEM_TYPE.match(kind):
        return []
    return [
        (
            None,
            "Problem type is not a relative /problems/ URI",
            "type /problems/<name>",
            f"type {kind!r}",
        )
    ]


def _type_per_code() -> Callable[[Exchange], list[Evidence]]:
    first: dict[str, Exchange] = {}

    def judge(exchange: Exchange) -> list[Evidence]:
        body = exchange.json()
        if exchange.status < 400 or not isinstance(body, dict):
            return []
        code, kind = body.get("code"), body.get("type")
        if not isinstance(code, str) or not isinstance(kind, str):
            return []
        # Bounded: a deployment inventing codes must not grow the state without end.
        seen = first.setdefault(code, exchange) if len(first) < 1000 else first.get(code)
        earlier = seen.json() if seen is not None else None
        if seen is None or not isinstance(earlier, dict) or earlier.get("type") == kind:
            return []
        return [
            (
                (seen, exchange),
                (
                    None,
                    f"Problem code {code} comes with more than one type",
                    f"type {earlier.get('type')!r} for every {code}, as the first time",
                    f"type {kind!r}",
                ),
            )
        ]

    return judge


# Response bodies judged whose verdicts are kept (schema errors, leak hints). Few: a body comes
# again soon or not at all (a replay follows its first answer; 404s and 401s recur all along),
# and on traffic of fresh captures, where no 200 comes twice, keeping 4,096 of them cost about
# 5 us an exchange (memory out of the cache), keeping 64 nothing measurable.
BODY_MEMO = 64

# Every hint at once (Aho-Corasick): one pass over a body instead of one per hint, and each
# hint's kind. No hint holds a newline, so a text's hints are those of its lines' parts. The
# hints are ASCII and searched in ASCII bytes: lower-cased as bytes they are what `str.lower`
# makes of the text, and the bytes automaton takes half the time of the text one (which maps
# every match back to a character index).
_HINTS = ahocorasick_rs.BytesAhoCorasick(
    [hint.encode("ascii") for hints in LEAK_HINTS.values() for hint in hints],
    implementation=ahocorasick_rs.Implementation.DFA,
)
_HINT_KIND = [what for what, hints in LEAK_HINTS.items() for _ in hints]


@functools.lru_cache(maxsize=BODY_MEMO)
def _hinted(data: bytes) -> frozenset[str] | None:
    """The leak kinds whose hints ASCII bytes hold; None for other bytes (search them all).

    Bodies repeat (replays, the one 404 for unknown and foreign orders): each scanned once.
    """
    if not data.isascii():
        return None
    found = _HINTS.find_matches_as_indexes(data.lower(), overlapping=True)
    return frozenset(_HINT_KIND[index] for index, _, _ in found)


def _leaks(exchange: Exchange, secrets: tuple[str, ...]) -> list[Draft]:
    body = exchange.response_body.decode("utf-8", errors="replace")
    headers = "\n".join(f"{k}: {v}" for k, v in exchange.response_headers)
    text = body + "\n" + headers
    in_body = _hinted(exchange.response_body)
    in_headers = _hinted(headers.encode("utf-8", errors="surrogatepass"))
    hinted = None if in_body is None or in_headers is None else in_body | in_headers
    found: list[Draft] = []
    for what, pattern in LEAKS.items():
        if hinted is not None and what not in hinted:
            continue
        match = pattern.search(text)
        if match and match.group(0) not in exchange.request_body.decode("utf-8", "replace"):
            start = max(0, match.start() - 60)
            found.append(
                (
                    None,
                    f"Response contains {what}",
                    "no stack trace, SQL, internal path or credential",
                    text[start : match.end() + 60],
                )
            )
    sent_auth = (exchange.request_header("Authorization") or "").split(" ", 1)[-1]
    credentials = [s for s in (*secrets, sent_auth) if len(s) >= 8]
    if any(s in text for s in credentials):
        found.append(
            (
                None,
                "Response contains a credential",
                "never the token sent",
                "the token appears in the response",
            )
        )
    return found


def _no_5xx(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    if exchange.status >= 500:
        return [(None, "Server error for client input", "a non-5xx status", describe(exchange))]
    return []


@functools.cache
def _responses() -> dict[int, dict[str, Any]]:
    # The spec is parsed once; resolving its responses once per exchange would dominate.
    return documented_responses()


@functools.cache
def _schema_pointer(status: int, media_type: str) -> str | None:
    return response_schema_pointer(status, media_type)


@functools.cache
def _required_headers(status: int) -> tuple[str, ...]:
    headers = _responses()[status].get("headers", {})
    return tuple(name for name, header in headers.items() if header_required(header))


# Bodies repeat (a replay's, the one 404 for unknown and foreign orders, the 401): each judged
# against a schema once while among the last BODY_MEMO judged, the oldest forgotten first.
_judged_bodies: dict[tuple[str, bytes], tuple[str, ...]] = {}


def _body_errors(schema: str, exchange: Exchange) -> tuple[str, ...]:
    """The judge's errors of the response body against the schema (a pointer)."""
    key = (schema, exchange.response_body)
    found = _judged_bodies.get(key)
    if found is None:
        found = tuple(contract_judge().errors(schema, exchange.json()))
        if len(_judged_bodies) >= BODY_MEMO:
            del _judged_bodies[next(iter(_judged_bodies))]
        _judged_bodies[key] = found
    return found


def _documented(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    responses = _responses()
    response = responses.get(exchange.status)
    if response is None:
        return [
            (None, "Undocumented status code", f"one of {sorted(responses)}", describe(exchange))
        ]
    media = sorted(response.get("content", {}))
    if media and exchange.media_type not in media:
        return [
            (
                None,
                f"Undocumented media type for {exchange.status}",
                " or ".join(media),
                exchange.media_type or "no content type",
            )
        ]
    missing = [name for name in _required_headers(exchange.status) if exchange.header(name) is None]
    if missing:
        return [
            (None, f"{exchange.status} lacks a documented header", ", ".join(missing), "absent")
        ]
    # A documented header, when sent, carries a value its schema allows (an enum is exact).
    for name in response.get("headers", {}):
        value = exchange.header(name)
        problems = () if value is None else _header_errors(exchange.status, name, value)
        if problems:
            return [
                (
                    None,
                    f"{exchange.status} {name} header has an undocumented value",
                    f"{name} as its schema in the spec allows",
                    "; ".join(problems),
                )
            ]
    return []


@functools.lru_cache(maxsize=4096)
def _header_errors(status: int, name: str, value: str) -> tuple[str, ...]:
    # Header values repeat (`true`, `1`, `Token`): judged once each.
    header = _responses()[status]["headers"][name]
    return tuple(contract_judge().header_errors(header, value))


def _challenge(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    challenge = exchange.header("WWW-Authenticate")
    if exchange.status != 401 or (challenge is not None and CHALLENGE.match(challenge)):
        return []
    received = f"WWW-Authenticate: {challenge}" if challenge else "no WWW-Authenticate header"
    return [(None, "401 does not name the Token scheme", "WWW-Authenticate: Token", received)]


def _order_body(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    if exchange.status != 200:
        return []
    problems = (
        list(_body_errors(_schema_pointer(200, JSON) or ORDER_SCHEMA, exchange))
        if exchange.media_type == JSON
        else ["not application/json"]
    )
    if problems:
        return [(None, "200 body is not a valid Order", "an Order", "; ".join(problems))]
    return []


SWEEPS = (
    Sweep("errors_are_problem_documents", ("CO-ERR-01/problem-documents",), _problem, floor=400),
    Sweep("responses_leak_nothing", ("CO-ERR-02/no-leaks",), _leaks),
    Sweep("client_input_never_causes_5xx", ("CO-ERR-03/no-5xx",), _no_5xx, floor=500),
    Sweep("problem_types_are_relative", ("CO-ERR-04/relative-type",), _relative_type, floor=400),
    Sweep(
        "problem_type_is_fixed_per_code",
        ("CO-ERR-04/one-type-per-code",),
        None,
        _type_per_code,
        floor=400,
    ),
    Sweep("responses_are_documented", ("CO-RSP-01/documented-responses",), _documented),
    Sweep("success_bodies_are_orders", ("CO-RSP-02/order-body",), _order_body),
    Sweep("every_401_names_the_scheme", ("CO-AUTH-02/challenge",), _challenge, floor=401),
)


class SweepStream:
    """One sweep applied to exchanges as they come; memory stays bounded (MAX_FINDINGS)."""

    def __init__(self, sweep: Sweep, secrets: tuple[str, ...], redactor: Redactor) -> None:
        self.sweep = sweep
        self.secrets = secrets
        self.redactor = redactor
        self.findings: list[CheckFinding] = []
        self.count = 0
        self.examined = 0
        self._seen: set[tuple[str, int]] = set()
        self._across = sweep.across() if sweep.across is not None else None
        self._inspect = sweep.inspect

    def feed(self, exchange: Exchange) -> list[CheckFinding]:
        """Judge one more exchange; the findings it added (none once MAX_FINDINGS are kept)."""
        self.examined += 1
        if self._across is not None:
            evidence = self._across(exchange)
        elif self._inspect is not None:
            drafts = self._inspect(exchange, self.secrets)
            if not drafts:
                return []  # most exchanges: nothing more to build
            evidence = [((exchange,), d) for d in drafts]
        else:
            evidence = []
        added: list[CheckFinding] = []
        for reproduce, (requirement, title, expected, received) in evidence:
            self.count += 1
            shown = reproduce[-1]
            if len(self.findings) < MAX_FINDINGS and (title, shown.status) not in self._seen:
                self._seen.add((title, shown.status))
                finding = CheckFinding(
                    requirement,
                    self.redactor.text(f"{title} ({shown.source})"),
                    expected,
                    self.redactor.text(received),
                    tuple(curl_command(e, self.redactor) for e in reproduce),
                )
                self.findings.append(finding)
                added.append(finding)
        return added

    def result(self) -> CheckResult:
        """The sweep's outcome over everything fed so far."""
        sweep = self.sweep
        if not self.examined:
            return CheckResult(
                sweep.name, sweep.cases, Status.SKIP, reason="no responses to inspect"
            )
        findings = list(self.findings)
        if self.count > len(findings) and findings:
            last = findings[-1]
            findings[-1] = replace(
                last, title=f"{last.title} (and {self.count - len(findings)} more like these)"
            )
        status = Status.FAIL if findings else Status.PASS
        return CheckResult(
            sweep.name, sweep.cases, status, tuple(findings), requests=0, examined=self.examined
        )


def run_sweep(
    sweep: Sweep, exchanges: Iterable[Exchange], secrets: tuple[str, ...], redactor: Redactor
) -> CheckResult:
    """Apply one sweep to the exchanges; at most MAX_FINDINGS findings are kept."""
    stream = SweepStream(sweep, secrets, redactor)
    for exchange in exchanges:
        stream.feed(exchange)
    return stream.result()

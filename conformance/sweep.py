"""Run-wide checks over every response the suite received, semantic and fuzzed alike.

These are the suite's per-exchange judgements of the contract (documented status, media type,
headers and body schema; problem documents; leaks): every response is judged here, with the
contract's one validator (`contract.validation`), whichever part of the suite sent the request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from conformance.context import JSON, PROBLEM_JSON, describe
from conformance.http import Exchange
from conformance.reproduce import Redactor, curl_command
from conformance.verdict import CheckResult, Finding, Status
from contract.facts import documented_responses, header_required, response_schema_pointer
from contract.validation import contract_judge

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


# (requirement or None for all of the sweep's, title, expected, received)
Draft = tuple[str | None, str, str, str]
# One exchange at a time (with the run's secrets) ...
Inspect = Callable[[Exchange, tuple[str, ...]], list[Draft]]
# ... or all of them at once: each draft with the exchanges that reproduce it.
Across = Callable[[Sequence[Exchange]], list[tuple[tuple[Exchange, ...], Draft]]]


@dataclass(frozen=True)
class Sweep:
    """A run-wide check: a property every exchange must have, or all of them together."""

    name: str
    cases: tuple[str, ...]
    inspect: Inspect | None
    across: Across | None = None


def _problem(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    if exchange.status < 400:
        return []
    if exchange.media_type != PROBLEM_JSON:
        return [
            (None, f"{exchange.status} is not a problem document", PROBLEM_JSON, describe(exchange))
        ]
    body = exchange.json()
    schema = response_schema_pointer(exchange.status, PROBLEM_JSON) or PROBLEM_SCHEMA
    problems = contract_judge().errors(schema, body)
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


def _type_per_code(exchanges: Sequence[Exchange]) -> list[tuple[tuple[Exchange, ...], Draft]]:
    first: dict[str, Exchange] = {}
    found: list[tuple[tuple[Exchange, ...], Draft]] = []
    for exchange in exchanges:
        body = exchange.json()
        if exchange.status < 400 or not isinstance(body, dict):
            continue
        code, kind = body.get("code"), body.get("type")
        if not isinstance(code, str) or not isinstance(kind, str):
            continue
        seen = first.setdefault(code, exchange)
        earlier = seen.json()
        if isinstance(earlier, dict) and earlier.get("type") != kind:
            found.append(
                (
                    (seen, exchange),
                    (
                        None,
                        f"Problem code {code} comes with more than one type",
                        f"type {earlier.get('type')!r} for every {code}, as the first time",
                        f"type {kind!r}",
                    ),
                )
            )
    return found


def _leaks(exchange: Exchange, secrets: tuple[str, ...]) -> list[Draft]:
    sent = exchange.request_body.decode("utf-8", errors="replace")
    text = (
        exchange.response_body.decode("utf-8", errors="replace")
        + "\n"
        + "\n".join(f"{k}: {v}" for k, v in exchange.response_headers)
    )
    found: list[Draft] = []
    for what, pattern in LEAKS.items():
        match = pattern.search(text)
        if match and match.group(0) not in sent:
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


def _documented(exchange: Exchange, _: tuple[str, ...]) -> list[Draft]:
    responses = documented_responses()
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
    headers = response.get("headers", {})
    missing = [
        name
        for name, header in headers.items()
        if header_required(header) and exchange.header(name) is None
    ]
    if missing:
        return [
            (None, f"{exchange.status} lacks a documented header", ", ".join(missing), "absent")
        ]
    # A documented header, when sent, carries a value its schema allows (an enum is exact).
    for name, header in headers.items():
        value = exchange.header(name)
        problems = [] if value is None else contract_judge().header_errors(header, value)
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
        contract_judge().errors(response_schema_pointer(200, JSON) or ORDER_SCHEMA, exchange.json())
        if exchange.media_type == JSON
        else ["not application/json"]
    )
    if problems:
        return [(None, "200 body is not a valid Order", "an Order", "; ".join(problems))]
    return []


SWEEPS = (
    Sweep("errors_are_problem_documents", ("CO-ERR-01/problem-documents",), _problem),
    Sweep("responses_leak_nothing", ("CO-ERR-02/no-leaks",), _leaks),
    Sweep("client_input_never_causes_5xx", ("CO-ERR-03/no-5xx",), _no_5xx),
    Sweep("problem_types_are_relative", ("CO-ERR-04/relative-type",), _relative_type),
    Sweep("problem_type_is_fixed_per_code", ("CO-ERR-04/one-type-per-code",), None, _type_per_code),
    Sweep("responses_are_documented", ("CO-RSP-01/documented-responses",), _documented),
    Sweep("success_bodies_are_orders", ("CO-RSP-02/order-body",), _order_body),
    Sweep("every_401_names_the_scheme", ("CO-AUTH-02/challenge",), _challenge),
)


def _drafts(
    sweep: Sweep, pool: Sequence[Exchange], secrets: tuple[str, ...]
) -> Iterator[tuple[tuple[Exchange, ...], Draft]]:
    if sweep.across is not None:
        yield from sweep.across(pool)
    elif sweep.inspect is not None:
        for exchange in pool:
            for draft in sweep.inspect(exchange, secrets):
                yield (exchange,), draft


def run_sweep(
    sweep: Sweep, exchanges: Sequence[Exchange], secrets: tuple[str, ...], redactor: Redactor
) -> CheckResult:
    """Apply one sweep to the exchanges; at most MAX_FINDINGS findings are kept."""
    pool = list(exchanges)
    if not pool:
        return CheckResult(sweep.name, sweep.cases, Status.SKIP, reason="no responses to inspect")
    findings: list[Finding] = []
    count = 0
    seen: set[tuple[str, int]] = set()
    for reproduce, (requirement, title, expected, received) in _drafts(sweep, pool, secrets):
        count += 1
        shown = reproduce[-1]
        if len(findings) < MAX_FINDINGS and (title, shown.status) not in seen:
            seen.add((title, shown.status))
            findings.append(
                Finding(
                    requirement,
                    redactor.text(f"{title} ({shown.source})"),
                    expected,
                    redactor.text(received),
                    tuple(curl_command(e, redactor) for e in reproduce),
                )
            )
    if count > len(findings) and findings:
        last = findings[-1]
        findings[-1] = replace(
            last, title=f"{last.title} (and {count - len(findings)} more like these)"
        )
    status = Status.FAIL if findings else Status.PASS
    return CheckResult(
        sweep.name, sweep.cases, status, tuple(findings), requests=0, examined=len(pool)
    )

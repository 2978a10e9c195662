"""The suite's only way to the server: HTTP requests, rate limited, guarded, each exchange kept.

No request leaves without `CaptureGuard.judge`: a body naming an order that is not a fixture
order (nor a generated, prefixed one) is refused, and the ledger says so.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from capture_order.conformance import decoding
from capture_order.conformance.guard import CaptureGuard, Judgement, Ledger, RefusedCaptureError
from capture_order.contract.spec import OPERATION_PATH, base_path

# A deployment that hangs must not hang the suite.
TIMEOUT_SECONDS = 30.0


T = TypeVar("T")


class _once(Generic[T]):  # noqa: N801 (a decorator, named like functools.cached_property)
    """`functools.cached_property` without its lock: computed on the first read, then a plain
    attribute. Python 3.11's takes an RLock on every first read (3.12 dropped it), and judging
    a stream reads four such values of every exchange. Two threads reading at once may both
    compute the value; it is the same value.
    """

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> T:
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


KEEPALIVE_S = 1.0  # idle seconds a pooled connection is kept (below servers' own timeouts)


class UnreachableError(RuntimeError):
    """Nothing answers at the base URL (connection refused, DNS failure, timeout)."""


@dataclass(frozen=True)
class Exchange:
    """One request the suite sent and the response it got."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes
    elapsed_ms: float
    source: str
    # A shell expression producing the body, for bodies too large or odd to quote in a curl line.
    body_shell: str | None = None
    # When the request started (Unix time), where known: overlapping requests are told apart.
    started: float | None = None

    def header(self, name: str) -> str | None:
        """The first response header of that name (case-insensitive)."""
        return self._response_index.get(name.lower())

    def request_header(self, name: str) -> str | None:
        """The first request header of that name (case-insensitive)."""
        values = self._request_lines.get(name.lower())
        return values[0] if values else None

    def request_header_lines(self, name: str) -> Sequence[str]:
        """Every field line of a request header, in order (case-insensitive name)."""
        return self._request_lines.get(name.lower(), ())

    # Every sweep and rule asks for headers by name: each list is indexed once (a response's by its
    # first value of a name, a request's with every line, for the rules on repeated lines).
    @_once
    def _response_index(self) -> dict[str, str]:
        return _first_values(self.response_headers)

    @_once
    def _request_lines(self) -> dict[str, list[str]]:
        lines: dict[str, list[str]] = {}
        for name, value in self.request_headers:
            lines.setdefault(name.lower(), []).append(value)
        return lines

    @property
    def media_type(self) -> str:
        """The response media type without parameters, lower case ('' when absent)."""
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The response body as JSON, or None when it is not JSON (parsed once: do not mutate)."""
        return self._parsed

    @_once
    def _parsed(self) -> Any:
        # Every sweep and rule reads the body; judging a stream parses each body once.
        return _memo_json(self.response_body, decimal=False)

    def decimal_json(self) -> Any:
        """The response body as JSON with numbers as Decimal, or None (parsed once)."""
        return self._decimal

    @_once
    def _decimal(self) -> Any:
        # Amounts are judged digit by digit; the money rules read it several times.
        return _memo_json(self.response_body, decimal=True)

    @property
    def code(self) -> str | None:
        """The problem `code` of an error response, when there is one."""
        body = self.json()
        value = body.get("code") if isinstance(body, dict) else None
        return value if isinstance(value, str) else None

    def text(self, limit: int = 600) -> str:
        """The response body as text for messages, shortened."""
        text = self.response_body.decode("utf-8", errors="replace")
        return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


# Bodies repeat in a stream (a replay's, the one 404 for unknown and foreign orders, the 401):
# the values of the last ones parsed are kept by their bytes, and shared (do not mutate them).
# Few (sweep.BODY_MEMO says why): a thousand parsed Orders cost more than they saved.
MEMO_BODIES = 64
MEMO_BODY_BYTES = 16_384  # larger bodies are parsed each time: the memo stays small


def _parse_json(body: bytes, decimal: bool) -> Any:
    try:
        return decoding.loads_decimal(body) if decimal else decoding.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


_memo_parse = functools.lru_cache(maxsize=MEMO_BODIES)(_parse_json)


def _memo_json(body: bytes, decimal: bool) -> Any:
    """The body as JSON (numbers as Decimal when `decimal`), or None when it is not JSON."""
    return (_memo_parse if len(body) <= MEMO_BODY_BYTES else _parse_json)(body, decimal)


def _first_values(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, value in headers:
        index.setdefault(name.lower(), value)
    return index


class RateLimiter:
    """Spaces request starts at least 1/rate seconds apart, across threads."""

    def __init__(self, rate: float | None) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until the next request may start."""
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)


@dataclass
class Client:
    """Sends requests to the operation, guarded, and records every exchange."""

    base_url: str
    guard: CaptureGuard
    rate_limit: float | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)

    def __post_init__(self) -> None:
        self.root = self.base_url.rstrip("/")
        self.url = self.root + base_path() + OPERATION_PATH
        self._limiter = RateLimiter(self.rate_limit)
        self._lock = threading.Lock()
        # Imported here: judging traffic reads exchanges and sends none (a tenth of a second).
        import httpx

        self._transport_error = httpx.TransportError
        self._http = httpx.Client(
            timeout=TIMEOUT_SECONDS,
            # An idle connection is given up after 1 s, before a server closes it (uvicorn
            # after 5 s, gunicorn after 2): a request sent on a connection the server is closing
            # at that moment fails unanswered, and would make a correct deployment's run ERROR.
            limits=httpx.Limits(
                max_connections=64, max_keepalive_connections=16, keepalive_expiry=KEEPALIVE_S
            ),
            follow_redirects=False,
        )

    def close(self) -> None:
        """Release connections."""
        self._http.close()

    def send(
        self,
        method: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str | bytes] | Sequence[tuple[str, str | bytes]] | None = None,
        source: str,
        body_shell: str | None = None,
        path: str | None = None,
    ) -> Exchange:
        """Send one request to the operation's URL (or `path` under the API) and record it.

        Raises RefusedCaptureError, sending nothing, when the body names an order that is
        not in the fixtures.
        """
        judgement = self.guard.judge(body)
        if judgement.refusal is not None:
            self.ledger.refused(judgement, source, method)
            raise RefusedCaptureError(f"refused to send {method} for {judgement.refusal}")
        self._limiter.wait()
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
        raw_headers = [
            (k.encode("latin-1"), v if isinstance(v, bytes) else v.encode("latin-1"))
            for k, v in pairs
        ]
        url = self.url if path is None else self.root + base_path() + path
        request = self._http.build_request(method, url, content=body, headers=raw_headers)
        if path is not None and "/." in path:
            # httpx removes dot segments, as clients do (RFC 3986 5.2.4); send them as written.
            root = urlsplit(self.root).path.rstrip("/")
            written = (root + base_path() + path).split("?", 1)[0]
            request.url._uri_reference = request.url._uri_reference._replace(path=written)
        # httpx adds no body headers for an empty GET; keep exactly what goes on the wire.
        started, wall = time.perf_counter(), time.time()
        try:
            response = self._http.send(request)
        except self._transport_error as exc:
            raise UnreachableError(f"{method} {url}: {type(exc).__name__}: {exc}".strip()) from exc
        elapsed = (time.perf_counter() - started) * 1000
        exchange = Exchange(
            method=method,
            url=url,
            request_headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
            ),
            request_body=body or b"",
            status=response.status_code,
            response_headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ),
            response_body=response.content,
            elapsed_ms=elapsed,
            source=source,
            body_shell=body_shell,
            started=wall,
        )
        with self._lock:
            self.exchanges.append(exchange)
        self._note(judgement, exchange)
        return exchange

    def record(self, exchange: Exchange) -> None:
        """Keep an exchange made elsewhere (by the fuzzer, guarded there) for sweeps and ledger."""
        with self._lock:
            self.exchanges.append(exchange)
        self._note(self.guard.judge(exchange.request_body), exchange)

    def _note(self, judgement: Judgement, exchange: Exchange) -> None:
        self.ledger.sent(
            judgement, exchange.source, exchange.method, exchange.status, exchange.code
        )

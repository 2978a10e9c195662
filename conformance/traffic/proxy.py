"""A thin reverse proxy (ASGI): forwards untouched, records each exchange, judges as it goes.

Forwarding never waits for judging: each exchange goes to a queue that one thread drains
(record to NDJSON, then judge), so the proxy adds one pooled upstream round trip and little else.
"""

from __future__ import annotations

import queue
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import IO, Any

import httpx

from conformance.http import Exchange
from conformance.traffic.ndjson import to_line
from conformance.traffic.run import TrafficJudge
from conformance.traffic.source import is_operation, operation_path

# Framing is the proxy's own business on each side; everything else passes as it came.
HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"transfer-encoding",
    b"te",
    b"trailer",
    b"upgrade",
    b"proxy-connection",
    b"content-length",
    b"host",
}
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
STOP: Any = object()
# Exchanges waiting for the recorder at most (about 5 KB each): past it they are counted only.
MAX_BACKLOG = 20_000


def decoded(exchange: Exchange) -> Exchange:
    """The exchange as the judge reads it: a gzip or deflate response body decompressed.

    The client got the compressed bytes; the record and the rules need the document.
    """
    encoding = (exchange.header("Content-Encoding") or "").strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return exchange
    try:
        body = zlib.decompress(exchange.response_body, 47 if "gzip" in encoding else 15)
    except zlib.error:
        return exchange  # not what it says it is: judged as it came
    headers = tuple((k, v) for k, v in exchange.response_headers if k.lower() != "content-encoding")
    return replace(exchange, response_headers=headers, response_body=body)


class Recorder:
    """Drains exchanges in a thread: writes each to NDJSON, judges the operation's ones."""

    def __init__(self, judge: TrafficJudge, record: Path | None) -> None:
        self.judge = judge
        self.path = operation_path()
        self.seen = 0
        self.judged = 0
        self.findings = 0
        self.dropped = 0
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._file: IO[str] | None = record.open("a", encoding="utf-8") if record else None
        self._thread = threading.Thread(target=self._drain, name="recorder", daemon=True)
        self._thread.start()

    def put(self, exchange: Exchange) -> None:
        """Hand over one exchange (never blocks the event loop, never grows without bound)."""
        if self._queue.qsize() >= MAX_BACKLOG:
            self.dropped += 1  # forwarding never waits for the judge: counted and reported
            return
        self._queue.put(exchange)

    def _drain(self) -> None:
        while (exchange := self._queue.get()) is not STOP:
            exchange = decoded(exchange)
            # Learn the token before writing, so the record carries its channel's marker.
            self.judge.book.learn(exchange.request_header("Authorization"))
            if self._file is not None:
                self._file.write(to_line(exchange, self.judge.book))
                self._file.flush()
            self.seen += 1
            exchange = replace(exchange, source=f"exchange {self.seen}")
            if is_operation(exchange, self.path):
                self.judged += 1
                self.findings = self.judge.feed(exchange)

    def close(self) -> None:
        """Finish what is queued, then close the record."""
        self._queue.put(STOP)
        self._thread.join()
        if self._file is not None:
            self._file.close()


class Proxy:
    """The ASGI app: one pooled httpx client to the upstream."""

    def __init__(self, upstream: str, recorder: Recorder) -> None:
        parts = httpx.URL(upstream.rstrip("/"))
        self.scheme, self.host, self.port = parts.scheme, parts.host, parts.port
        self.prefix = parts.raw_path.rstrip(b"/")
        self.netloc = parts.netloc
        self.recorder = recorder
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = httpx.AsyncClient(
                    timeout=httpx.Timeout(60.0),
                    # Idle connections are dropped before the upstream's keep-alive timeout
                    # (uvicorn: 5 s) can close one under a request: a POST is never retried.
                    limits=httpx.Limits(
                        max_connections=256, max_keepalive_connections=64, keepalive_expiry=2.0
                    ),
                    follow_redirects=False,
                    # A jar that keeps nothing: no cookie of one client reaches another's request.
                    cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
                )
                # No default headers of httpx's own: the upstream sees what the client sent.
                self.client.headers.clear()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.client is not None, "the proxy's lifespan did not start"
        started, wall = time.perf_counter(), time.time()
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        raw_path = self.prefix + (scope.get("raw_path") or scope["path"].encode())
        if scope.get("query_string"):
            raw_path += b"?" + scope["query_string"]
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP]
        url = httpx.URL(scheme=self.scheme, host=self.host, port=self.port, raw_path=raw_path)
        request = self.client.build_request(
            scope["method"], url, headers=[(b"host", self.netloc), *headers], content=body
        )
        try:
            response = await self.client.send(request, stream=True)
            content = b"".join([part async for part in response.aiter_raw()])
            await response.aclose()
        except httpx.TransportError as exc:
            text = f"capture-order proxy: upstream unreachable: {type(exc).__name__}".encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 502,
                    "headers": [
                        (b"content-type", b"text/plain"),
                        (b"content-length", str(len(text)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": text})
            return
        out = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
        out.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": response.status_code, "headers": out})
        await send({"type": "http.response.body", "body": content})
        host = scope.get("server") or ("", 0)
        self.recorder.put(
            Exchange(
                method=scope["method"],
                url=f"{scope.get('scheme', 'http')}://{host[0]}:{host[1]}{raw_path.decode('latin-1')}",
                request_headers=tuple(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
                ),
                request_body=body,
                status=response.status_code,
                response_headers=tuple(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
                ),
                response_body=content,
                elapsed_ms=(time.perf_counter() - started) * 1000,
                source="proxy",
                started=wall,
            )
        )

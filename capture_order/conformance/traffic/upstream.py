"""The proxy's connections to its upstream: HTTP/1.1 over a small pool of kept-alive sockets.

Written by hand on asyncio streams and httptools' response parser (the parser uvicorn uses)
because a proxy must send the client's bytes, not a client library's idea of them: the request
head is the client's method, raw path and header bytes as they came (latin-1 values, repeated
lines, order kept). httpx did that too, but at about 1 ms of CPU per request it capped the proxy
near 750 forwarded requests/s on this machine kind (`make bench-proxy`); aiohttp re-encodes
header values as UTF-8 and adds headers of its own.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from dataclasses import dataclass, field

import httptools

# Idle connections are dropped before the upstream's keep-alive timeout (uvicorn: 5 s) can close
# one under a request: a request is never sent twice, so a stale socket must never be used.
IDLE_S = 2.0
MAX_IDLE = 64
READ_CHUNK = 65536


class UpstreamError(Exception):
    """The upstream could not be reached or broke off its answer."""


@dataclass
class UpstreamAnswer:
    """The upstream's answer: status, raw header lines in order, the body (chunking undone)."""

    status: int = 0
    reason: bytes = b""  # the status line's reason phrase, as the upstream wrote it
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)
    complete: bool = False
    keep_alive: bool = False
    headers_done: bool = False


class _Parse:
    """httptools callbacks filling one UpstreamAnswer; a 1xx interim answer is skipped."""

    def __init__(self) -> None:
        self.answer = UpstreamAnswer()
        self.parser = httptools.HttpResponseParser(self)

    def on_status(self, reason: bytes) -> None:
        self.answer.reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self.answer.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.answer.status = self.parser.get_status_code()
        self.answer.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.answer.body += body

    def on_message_complete(self) -> None:
        if self.answer.status < 200:  # 100 Continue and the like: the real answer follows
            self.answer = UpstreamAnswer()
            return
        self.answer.complete = True
        self.answer.keep_alive = self.parser.should_keep_alive()


@dataclass
class _UpstreamConnection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0


class Upstream:
    """A pool of HTTP/1.1 connections to one upstream host."""

    def __init__(self, scheme: str, host: str, port: int | None, timeout: float = 60.0) -> None:
        self.host = host
        self.tls = ssl.create_default_context() if scheme == "https" else None
        self.port = port or (443 if self.tls else 80)
        self.timeout = timeout
        self._idle: deque[_UpstreamConnection] = deque()

    async def _connect(self) -> _UpstreamConnection:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if now - connection.idle_since < IDLE_S and not connection.writer.is_closing():
                return connection
            connection.writer.close()
        reader, writer = await asyncio.open_connection(
            self.host, self.port, ssl=self.tls, server_hostname=self.host if self.tls else None
        )
        return _UpstreamConnection(reader, writer)

    async def send(self, head: bytes, body: bytes, *, head_only: bool = False) -> UpstreamAnswer:
        """Send one request (its head already serialized); the whole answer."""
        try:
            # In the request's own task: wait_for would start another and wait a loop turn for it.
            async with asyncio.timeout(self.timeout):
                return await self._send(head, body, head_only)
        except (TimeoutError, OSError, httptools.HttpParserError) as exc:
            raise UpstreamError(type(exc).__name__) from exc

    async def _send(self, head: bytes, body: bytes, head_only: bool) -> UpstreamAnswer:
        connection = await self._connect()
        reusable = False
        try:
            connection.writer.write(head + body)
            parse = _Parse()
            while not parse.answer.complete:
                if head_only and parse.answer.headers_done and parse.answer.status >= 200:
                    return parse.answer  # no body follows a HEAD; the socket is not reused
                data = await connection.reader.read(READ_CHUNK)
                if not data:
                    answer = parse.answer
                    if answer.headers_done and not _framed(answer.headers):
                        answer.complete = True  # a body delimited by closing the connection
                        return answer
                    raise UpstreamError("the upstream closed the connection mid-answer")
                parse.parser.feed_data(data)
            reusable = parse.answer.keep_alive
            return parse.answer
        finally:
            if reusable and len(self._idle) < MAX_IDLE:
                connection.idle_since = time.monotonic()
                self._idle.append(connection)
            else:
                connection.writer.close()

    async def close(self) -> None:
        """Close every idle connection."""
        while self._idle:
            self._idle.pop().writer.close()


def _framed(headers: list[tuple[bytes, bytes]]) -> bool:
    names = {name.lower() for name, _ in headers}
    return b"content-length" in names or b"transfer-encoding" in names

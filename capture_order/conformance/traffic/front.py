"""The proxy's HTTP/1.1 front: an asyncio protocol on httptools' request parser.

Written by hand, not served by uvicorn, so that what passes is what was sent: uvicorn lowers
every request header name and writes its own reason phrase, and an ASGI app cannot say
otherwise. Here the upstream sees header names as the client wrote them and the client gets the
upstream's status line; an answer also goes out in one socket write instead of two (12 % of the
proxy's CPU, docs/performance.md). What an HTTP/1.1 server owes its clients is done here:
keep-alive (a connection idle or stalled for KEEP_ALIVE_S is closed), pipelined requests
answered in order, chunked request bodies (httptools undoes the chunking), `Expect:
100-continue`, HEAD answers without a body, a malformed request refused with 400 before the
connection closes, and a graceful stop (in-flight requests are answered, idle connections
closed).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import cast

import httptools

# A connection with nothing to answer for this long is closed: idle between requests (uvicorn's
# keep-alive default) or stalled within one.
KEEP_ALIVE_S = 5.0
GRACE_S = 30.0  # how long a stop waits for requests in flight
MAX_PIPELINED = 32  # requests read ahead on one connection: past it, reading pauses
STARTUP_S = 30.0


@dataclass(frozen=True)
class Request:
    """One request as it came: method, target (raw path and query), header lines, body."""

    method: bytes
    target: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    # Where it arrived (the listening socket's address), for the recorded URL.
    local: tuple[str, int]


@dataclass(frozen=True)
class FrontAnswer:
    """What to send back: status line parts, header lines (framing included), body."""

    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes


Handler = Callable[[Request], Awaitable[FrontAnswer]]

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
UTF8_TEXT = b"text/plain; charset=utf-8"


def plain_answer(status: int, reason: bytes, text: bytes, media: bytes = UTF8_TEXT) -> FrontAnswer:
    """An answer of the proxy's own: a short text."""
    headers = [(b"content-type", media), (b"content-length", b"%d" % len(text))]
    return FrontAnswer(status, reason, headers, text)


def serialized(answer: FrontAnswer, keep_alive: bool = False, head_only: bool = False) -> bytes:
    """The answer's bytes, for one socket write (`connection: close` when the front closes)."""
    lines = [b"HTTP/1.1 %d %s" % (answer.status, answer.reason)]
    lines += [name + b": " + value for name, value in answer.headers]
    if not keep_alive:
        lines.append(b"connection: close")
    head = b"\r\n".join(lines) + b"\r\n\r\n"
    return head if head_only else head + answer.body


_BAD_REQUEST = serialized(plain_answer(400, b"Bad Request", b"Malformed HTTP request.\n"))
_ERROR = serialized(plain_answer(502, b"Bad Gateway", b"capture-order proxy: failed.\r\n"))


class _FrontConnection(asyncio.Protocol):
    """One client connection: requests parsed as bytes arrive, answered one after another."""

    def __init__(self, front: Front) -> None:
        self.front = front
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.local: tuple[str, int] = ("", 0)
        self.pending: deque[tuple[Request, bool]] = deque()
        self.task: asyncio.Task[None] | None = None
        self.closing = False  # answer what is pending, then close
        self.paused = False
        self.idle: asyncio.TimerHandle | None = None
        self._target = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []

    # asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        sockname = transport.get_extra_info("sockname")
        self.local = (str(sockname[0]), int(sockname[1])) if sockname else ("", 0)
        self.front.connections.add(self)
        self._wait_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self.front.connections.discard(self)
        self.transport = None
        self._not_idle()

    def data_received(self, data: bytes) -> None:
        self._not_idle()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # Upgrades (and CONNECT) are not proxied: the request is answered as plain HTTP
            # (its Upgrade and Connection headers are hop-by-hop), then the connection closes.
            self.closing = True
        except httptools.HttpParserError:
            self._refuse()
            return
        if len(self.pending) >= MAX_PIPELINED and self.transport is not None:
            self.transport.pause_reading()
            self.paused = True
        if self.task is None and not self.pending:
            self._wait_idle()  # part of a request: a client that stops sending is let go too

    # httptools callbacks

    def on_message_begin(self) -> None:
        self._target, self._headers, self._body = b"", [], []

    def on_url(self, url: bytes) -> None:
        self._target += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.transport is not None and self.parser.get_http_version() == "1.1":
            for name, value in self._headers:
                if name.lower() == b"expect" and value.strip().lower() == b"100-continue":
                    self.transport.write(_CONTINUE)  # the body follows: it is read whole
                    break

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        request = Request(
            self.parser.get_method(), self._target, self._headers, b"".join(self._body), self.local
        )
        self.pending.append((request, self.parser.should_keep_alive()))
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._answer())
            self.front.tasks.add(self.task)
            self.task.add_done_callback(self.front.tasks.discard)

    # answering

    async def _answer(self) -> None:
        try:
            while self.pending and self.transport is not None:
                request, keep_alive = self.pending.popleft()
                try:
                    answer = await self.front.handler(request)
                except Exception as exc:  # the handler's own failure: one line, the client a 502
                    print(f"capture-order proxy: {type(exc).__name__}: {exc}", file=sys.stderr)
                    self._close(_ERROR)
                    return
                transport = self._open()  # the client may have left meanwhile
                if transport is None:
                    return
                keep_alive = keep_alive and not (self.closing and not self.pending)
                keep_alive = keep_alive and not self.front.stopping
                transport.write(serialized(answer, keep_alive, request.method == b"HEAD"))
                if not keep_alive:
                    self._close()
                    return
                if self.paused and len(self.pending) < MAX_PIPELINED // 2:
                    transport.resume_reading()
                    self.paused = False
        finally:
            self.task = None
        if self.transport is not None:
            self._wait_idle()

    def _open(self) -> asyncio.Transport | None:
        return self.transport

    def _refuse(self) -> None:
        self.pending.clear()
        self._close(_BAD_REQUEST)

    def _close(self, last: bytes = b"") -> None:
        if self.transport is not None:
            if last:
                self.transport.write(last)
            self.transport.close()

    def _wait_idle(self) -> None:
        self._not_idle()
        loop = asyncio.get_running_loop()
        self.idle = loop.call_later(KEEP_ALIVE_S, self._close)

    def _not_idle(self) -> None:
        if self.idle is not None:
            self.idle.cancel()
            self.idle = None

    def stop(self) -> None:
        """The front is stopping: close now when idle, else after the answers in flight."""
        if self.task is None and not self.pending:
            self._close()
        else:
            self.closing = True


class Front:
    """Serves a handler over HTTP/1.1 until `stop` (from any thread or a signal handler)."""

    def __init__(self, handler: Handler, close: Callable[[], Awaitable[None]] | None = None):
        self.handler = handler
        self.close = close  # awaited once the front has stopped (the handler's own sockets)
        self.connections: set[_FrontConnection] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.stopping = False
        self.started = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    async def serve(self, sock: socket.socket) -> None:
        """Accept on the bound socket until stopped; then finish what is in flight."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await self._loop.create_server(lambda: _FrontConnection(self), sock=sock)
        self.started.set()
        await self._stop.wait()
        self.stopping = True
        server.close()
        for connection in list(self.connections):
            connection.stop()
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=GRACE_S)
        for connection in list(self.connections):
            connection._close()
        if self.close is not None:
            await self.close()
        await asyncio.sleep(0)  # the closed transports' callbacks run before the loop stops

    def stop(self) -> None:
        """Stop accepting, answer what is in flight, close (safe from any thread)."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # stopped already: its loop is closed
                self._loop.call_soon_threadsafe(self._stop.set)


def new_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop where it is installed (the proxy extra brings it), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket (OSError when the address is taken or not this host's)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


@contextlib.contextmanager
def serving_in_thread(front: Front, sock: socket.socket, name: str) -> Iterator[None]:
    """The front on its own event loop in a thread, for as long as the block runs."""

    def run() -> None:
        loop = new_loop()
        try:
            loop.run_until_complete(front.serve(sock))
        finally:
            loop.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    if not front.started.wait(STARTUP_S):
        raise RuntimeError(f"{name} did not start in {STARTUP_S} s")
    try:
        yield
    finally:
        front.stop()
        thread.join(GRACE_S + 5)

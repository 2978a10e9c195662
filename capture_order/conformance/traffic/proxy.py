"""A thin reverse proxy: forwards untouched, records each exchange, judges as it goes.

Forwarding never waits for judging: each exchange goes to a queue that one thread drains
(record to NDJSON, then judge the recorded line: in the thread, or in a child process fed the
exchanges, as `capture-order proxy` does), so the proxy adds one pooled upstream round trip and
little else.
No cookies are kept and no header of the proxy's own is added: the upstream sees what the client
sent, save framing (Host names the upstream, Content-Length is set).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
import zlib
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from capture_order.conformance.http import Exchange
from capture_order.conformance.traffic.errors import TrafficError
from capture_order.conformance.traffic.front import FrontAnswer, Request, plain_answer
from capture_order.conformance.traffic.ndjson import line_exchange, to_line
from capture_order.conformance.traffic.run import TrafficJudge, collector_for_a_stream
from capture_order.conformance.traffic.source import is_operation, operation_path
from capture_order.conformance.traffic.upstream import Upstream, UpstreamError
from capture_order.conformance.verdict import CheckResult

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
STOP: Any = object()
# Exchanges waiting for the recorder at most (about 5 KB each): past it they are counted only.
MAX_BACKLOG = 20_000
BATCH = 512  # exchanges handed to the judging process at once, at most
GATHER_S = 0.05  # how long the recorder lets a batch gather (what the record lags at most)
# The judging process's niceness: the lowest priority, so that on a saturated machine it takes
# only the CPU that forwarding and the upstream leave (10 still cost the server a tenth of a
# core under `make bench-proxy`'s load).
JUDGE_NICENESS = 19


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


class Keeper:
    """Records each exchange to NDJSON and judges the operation's ones: the line as recorded."""

    def __init__(self, judge: TrafficJudge, record: IO[str] | None) -> None:
        self.judge = judge
        self.path = operation_path()
        self.file = record
        self.seen = 0

    @property
    def findings(self) -> int:
        """Findings so far."""
        return self.judge.found()

    def take(self, exchange: Exchange, flush: bool = True) -> None:
        """One exchange as the proxy forwarded it (`flush`: the record holds it on return)."""
        self.seen += 1
        exchange = decoded(exchange)
        # Learn the token before writing, so the record carries its channel's marker.
        self.judge.book.learn(exchange.request_header("Authorization"))
        line = to_line(exchange, self.judge.book)
        if self.file is not None:
            self.file.write(line)
            if flush:
                self.file.flush()
        if is_operation(exchange, self.path):
            # The verdict is that of `conformance --traffic` on the record: the line is judged.
            self.judge.feed(line_exchange(line, f"exchange {self.seen}"))


class Recorder:
    """Takes exchanges off the event loop: a thread records and judges them (a `Keeper`).

    With `judge_apart`, the thread only hands each exchange to a child process, which records
    and judges it, so that the proxy's interpreter lock stays with forwarding.
    """

    def __init__(self, judge: TrafficJudge, record: Path | None, judge_apart: bool = False):
        self.judge = judge
        self.path = operation_path()
        self.seen = 0
        self.judged = 0
        self.dropped = 0
        self.results: list[CheckResult] | None = None
        file = record.open("a", encoding="utf-8") if record else None
        self._keeper = Keeper(judge, file)
        self._apart = JudgeProcess(self._keeper) if judge_apart else None
        if self._apart is not None and file is not None:
            file.close()  # the child has its own copy: it alone writes
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._drain, name="recorder", daemon=True)
        self._thread.start()

    @property
    def findings(self) -> int:
        """Findings so far (for the live line)."""
        return self._apart.findings.value if self._apart is not None else self._keeper.findings

    def put(self, exchange: Exchange) -> None:
        """Hand over one exchange (never blocks the event loop, never grows without bound)."""
        if self._queue.qsize() >= MAX_BACKLOG:
            self.dropped += 1  # forwarding never waits for the judge: counted and reported
            return
        self._queue.put(exchange)

    def _drain(self) -> None:
        stopped = False
        while not stopped:
            batch = [self._queue.get()]
            if self._apart is not None and batch[-1] is not STOP:
                # Let a batch gather: a process woken for every exchange spends most of its CPU
                # on waking up (cold caches); one woken a few times a second judges them warm.
                time.sleep(GATHER_S)
            while len(batch) < BATCH and batch[-1] is not STOP and not self._queue.empty():
                batch.append(self._queue.get())
            if batch[-1] is STOP:
                batch.pop()
                stopped = True
            for exchange in batch:
                self.seen += 1
                if is_operation(exchange, self.path):
                    self.judged += 1
            if self._apart is not None:
                self._apart.feed(batch)
            else:
                for exchange in batch:
                    self._keeper.take(exchange)

    def close(self) -> None:
        """Finish what is queued, then close the record; `results` holds the judge's verdicts."""
        self._queue.put(STOP)
        self._thread.join()
        if self._apart is not None:
            self.results = self._apart.finish()
        elif self._keeper.file is not None:
            self._keeper.file.close()


def _keep(keeper: Keeper, exchanges: Connection, findings: Synchronized[int]) -> None:
    """The child process: record and judge each exchange it is sent; send back the results."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the proxy, which stops us
    # Forwarding comes first: on a busy machine the judge takes the CPU left over and catches up
    # when the load eases (the backlog is bounded: MAX_BACKLOG).
    os.nice(JUDGE_NICENESS)
    # The collector as `conformance --traffic` tunes it (this process exits when the stream
    # ends, so it is not restored); the record is flushed once a batch, not once an exchange.
    with collector_for_a_stream(restore=False):
        while (batch := exchanges.recv()) is not None:
            for exchange in batch:
                keeper.take(exchange, flush=False)
            if keeper.file is not None:
                keeper.file.flush()
            findings.value = keeper.findings
    if keeper.file is not None:
        keeper.file.close()
    exchanges.send(keeper.judge.judge.results())
    exchanges.close()


class JudgeProcess:
    """A forked child process that records and judges the exchanges sent to it over a pipe."""

    def __init__(self, keeper: Keeper) -> None:
        context = multiprocessing.get_context("fork")  # before any thread of ours starts
        self.findings: Synchronized[int] = context.Value("q", 0)
        self._pipe, child = context.Pipe()
        self._process = context.Process(
            target=_keep, args=(keeper, child, self.findings), name="judge", daemon=True
        )
        self._process.start()
        child.close()

    def feed(self, exchanges: list[Exchange]) -> None:
        """Exchanges the proxy forwarded."""
        self._pipe.send(exchanges)

    def finish(self) -> list[CheckResult]:
        """Everything sent is recorded and judged: the verdicts per sweep and rule."""
        self._pipe.send(None)
        try:
            results: list[CheckResult] = self._pipe.recv()
        except EOFError:
            raise TrafficError("the judging process stopped before its verdicts") from None
        self._process.join()
        return results


class Proxy:
    """The forwarding handler (served by `conformance.traffic.front`): one pool of connections
    to the upstream (`conformance.traffic.upstream`)."""

    def __init__(self, upstream: str, recorder: Recorder) -> None:
        parts = urlsplit(upstream.rstrip("/"))
        self.prefix = parts.path.rstrip("/").encode("latin-1")
        self.netloc = parts.netloc.encode("idna")
        self.recorder = recorder
        self.upstream = Upstream(parts.scheme, parts.hostname or "", parts.port)

    async def close(self) -> None:
        """Close the idle upstream connections."""
        await self.upstream.close()

    async def __call__(self, request: Request) -> FrontAnswer:
        started, wall = time.perf_counter(), time.time()
        body = request.body
        raw_path = self.prefix + request.target
        method = request.method
        lines = [method + b" " + raw_path + b" HTTP/1.1", b"host: " + self.netloc]
        framed = False
        for name, value in request.headers:
            lower = name.lower()
            if lower in (b"content-length", b"transfer-encoding"):
                framed = True
            if lower not in HOP_BY_HOP:
                lines.append(name + b": " + value)
        if body or framed:  # the client sent a body (a chunked one goes whole, with its length)
            lines.append(b"content-length: " + str(len(body)).encode())
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        try:
            answer = await self.upstream.send(head, body, head_only=method == b"HEAD")
        except UpstreamError as exc:
            text = f"capture-order proxy: upstream unreachable: {exc}".encode()
            return plain_answer(502, b"Bad Gateway", text, b"text/plain")
        content = bytes(answer.body)
        out = [(k, v) for k, v in answer.headers if k.lower() not in HOP_BY_HOP]
        out += _length(answer.status, method, answer.headers, content)
        host, port = request.local
        host = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers)
        self.recorder.put(
            Exchange(
                method=method.decode("latin-1"),
                url=f"http://{host}:{port}{raw_path.decode('latin-1')}",
                request_headers=headers,
                request_body=body,
                status=answer.status,
                response_headers=tuple(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.headers
                ),
                response_body=content,
                elapsed_ms=(time.perf_counter() - started) * 1000,
                source="proxy",
                started=wall,
            )
        )
        return FrontAnswer(answer.status, answer.reason, out, content)


def _length(
    status: int, method: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> list[tuple[bytes, bytes]]:
    """The Content-Length the client gets: the body's, or for HEAD and 304 the upstream's own
    (no body follows them), none where HTTP allows none (1xx, 204)."""
    if status < 200 or status == 204:
        return []
    if method == b"HEAD" or status == 304:
        return [(k, v) for k, v in headers if k.lower() == b"content-length"][:1]
    return [(b"content-length", str(len(body)).encode())]

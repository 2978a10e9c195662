"""The proxy's HTTP/1.1 front keeps what an HTTP server owes its clients (raw sockets, loopback)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from capture_order.conformance.traffic import front as front_module
from capture_order.conformance.traffic.front import Front, FrontAnswer, Request, serving_in_thread
from tests.harness import loopback_socket
from tests.traffic.recording import recording_proxy


async def _echo(request: Request) -> FrontAnswer:
    """Answers with what it got: method, target, header lines as written, body."""
    if request.target.startswith(b"/slow"):
        await asyncio.sleep(0.3)
    if request.target.startswith(b"/fail"):
        raise RuntimeError("the handler broke")
    seen = {
        "method": request.method.decode(),
        "target": request.target.decode("latin-1"),
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.headers],
        "body": request.body.decode("latin-1"),
    }
    body = json.dumps(seen).encode()
    headers = [(b"Content-Type", b"application/json"), (b"content-length", b"%d" % len(body))]
    return FrontAnswer(207, b"Odd Reason", headers, body)


@contextmanager
def _front() -> Iterator[tuple[int, Front]]:
    front = Front(_echo)
    with loopback_socket() as sock, serving_in_thread(front, sock, name="front"):
        yield sock.getsockname()[1], front


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _read_answers(conn: socket.socket, count: int) -> list[tuple[bytes, dict[str, str], bytes]]:
    """`count` answers read off the connection: (status line, headers, body)."""
    data = b""
    answers: list[tuple[bytes, dict[str, str], bytes]] = []
    while len(answers) < count:
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            assert chunk, f"closed after {len(answers)} answers"
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        status, *lines = head.split(b"\r\n")
        headers = {k.decode().lower(): v.decode() for k, v in (h.split(b": ", 1) for h in lines)}
        length = int(headers.get("content-length", "0"))
        if status.split(b" ")[1].startswith(b"1"):
            answers.append((status, headers, b""))
            continue
        while len(data) < length:
            chunk = conn.recv(65536)
            assert chunk
            data += chunk
        answers.append((status, headers, data[:length]))
        data = data[length:]
    return answers


def _closed(conn: socket.socket) -> bool:
    try:
        return conn.recv(1) == b""
    except (ConnectionResetError, TimeoutError):
        return False


def _post(target: str, body: bytes = b"{}", extra: bytes = b"") -> bytes:
    return (
        f"POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n".encode()
        + extra
        + b"\r\n"
        + body
    )


def test_pipelined_requests_are_answered_in_order_on_one_connection() -> None:
    with _front() as (port, _), _connect(port) as conn:
        conn.sendall(_post("/slow/1") + _post("/2") + _post("/3"))
        answers = _read_answers(conn, 3)
        targets = [json.loads(body)["target"] for _, _, body in answers]
        assert targets == ["/slow/1", "/2", "/3"]
        assert all(status == b"HTTP/1.1 207 Odd Reason" for status, _, _ in answers)
        assert all("connection" not in headers for _, headers, _ in answers)
        conn.sendall(_post("/4"))  # still open: kept alive
        assert json.loads(_read_answers(conn, 1)[0][2])["target"] == "/4"


def test_connection_close_and_http_1_0_end_the_connection_after_the_answer() -> None:
    with _front() as (port, _):
        with _connect(port) as conn:
            conn.sendall(_post("/a", extra=b"Connection: close\r\n"))
            ((_, headers, _),) = _read_answers(conn, 1)
            assert headers["connection"] == "close" and _closed(conn)
        with _connect(port) as conn:
            conn.sendall(b"GET /b HTTP/1.0\r\nHost: x\r\n\r\n")
            ((_, headers, body),) = _read_answers(conn, 1)
            assert json.loads(body)["method"] == "GET" and _closed(conn)


def test_expect_100_continue_is_answered_before_the_body_is_sent() -> None:
    with _front() as (port, _), _connect(port) as conn:
        body = b'{"order": "CO-1"}'
        conn.sendall(
            _post("/c", b"", b"Expect: 100-continue\r\n").replace(b"Length: 0", b"Length: 17")
        )
        ((interim, _, _),) = _read_answers(conn, 1)
        assert interim == b"HTTP/1.1 100 Continue"
        conn.sendall(body)
        ((_, _, echoed),) = _read_answers(conn, 1)
        assert json.loads(echoed)["body"] == body.decode()


def test_chunked_bodies_arrive_whole() -> None:
    with _front() as (port, _), _connect(port) as conn:
        conn.sendall(
            b"POST /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        ((_, _, echoed),) = _read_answers(conn, 1)
        assert json.loads(echoed)["body"] == "hello world"


def test_header_names_keep_their_case_and_order() -> None:
    with _front() as (port, _), _connect(port) as conn:
        conn.sendall(_post("/e", extra=b"X-Odd-CASE: caf\xe9\r\nx-odd-case: two\r\n"))
        ((_, _, echoed),) = _read_answers(conn, 1)
        headers = json.loads(echoed)["headers"]
        assert ["X-Odd-CASE", "caf\xe9"] in headers
        assert headers.index(["X-Odd-CASE", "caf\xe9"]) + 1 == headers.index(["x-odd-case", "two"])


def test_head_is_answered_without_a_body() -> None:
    with _front() as (port, _), _connect(port) as conn:
        conn.sendall(b"HEAD /f HTTP/1.1\r\nHost: x\r\n\r\n" + _post("/g"))
        conn.settimeout(10)
        data = b""
        while data.count(b"HTTP/1.1 207") < 2 or not data.endswith(b"}"):
            data += conn.recv(65536)
        _, rest = data.split(b"\r\n\r\n", 1)
        assert rest.startswith(b"HTTP/1.1 207"), "HEAD's answer carried a body"


def test_a_malformed_request_gets_400_and_the_connection_closes() -> None:
    with _front() as (port, _), _connect(port) as conn:
        conn.sendall(b"POST /h HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
        ((status, headers, body),) = _read_answers(conn, 1)
        assert status.startswith(b"HTTP/1.1 400") and headers["connection"] == "close"
        assert b"Traceback" not in body and _closed(conn)


def test_a_failing_handler_answers_502_in_one_line(capfd: pytest.CaptureFixture[str]) -> None:
    with _front() as (port, _), _connect(port) as conn:
        conn.sendall(_post("/fail"))
        ((status, _, _),) = _read_answers(conn, 1)
        assert status.startswith(b"HTTP/1.1 502") and _closed(conn)
    err = capfd.readouterr().err
    assert "RuntimeError: the handler broke" in err and "Traceback" not in err


def test_stopping_answers_the_request_in_flight_then_closes() -> None:
    with _front() as (port, front), _connect(port) as conn:
        conn.sendall(_post("/slow/stop"))
        time.sleep(0.1)
        threading.Thread(target=front.stop).start()
        ((status, headers, _),) = _read_answers(conn, 1)
        assert status.startswith(b"HTTP/1.1 207") and headers["connection"] == "close"
        assert _closed(conn)


def test_the_proxy_passes_header_case_and_reason_phrase_untouched(tmp_path: Path) -> None:
    upstream = Front(_echo)
    with (
        loopback_socket() as inner,
        loopback_socket() as outer,
        serving_in_thread(upstream, inner, name="upstream"),
        recording_proxy(f"http://127.0.0.1:{inner.getsockname()[1]}", tmp_path / "r", outer),
        _connect(outer.getsockname()[1]) as conn,
    ):
        conn.sendall(_post("/api/v1/capture-order/", extra=b"X-Odd-CASE: 1\r\n"))
        ((status, headers, echoed),) = _read_answers(conn, 1)
    assert status == b"HTTP/1.1 207 Odd Reason"
    assert ["X-Odd-CASE", "1"] in json.loads(echoed)["headers"]
    assert headers["content-type"] == "application/json"


def test_idle_and_stalled_connections_are_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(front_module, "KEEP_ALIVE_S", 0.3)
    with _front() as (port, _):
        with _connect(port) as idle:
            assert _closed(idle)  # nothing sent: closed after the keep-alive time
        with _connect(port) as stalled:
            stalled.sendall(b"POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
            started = time.monotonic()
            assert _closed(stalled)
            assert time.monotonic() - started < 5

"""The proxy forwards odd requests byte for byte and hands the upstream's answer back as it is."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from capture_order.conformance.http import Exchange
from capture_order.conformance.traffic.ndjson import from_record
from capture_order.conformance.traffic.proxy import decoded
from tests.harness import (
    PYTHON,
    ROOT,
    Reference,
    free_port,
    loopback_socket,
    read_report,
    serving,
)
from tests.traffic.recording import recording_proxy

ODD_BODY = b'{"order": "\xff\xfe caf\xe9"}\x00'
LATIN1 = "caf\xe9 \xa7 na\xefve"


class Echo:
    """An upstream that answers with what it received (and odd bytes of its own)."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen = {
            "method": scope["method"],
            "path": scope["raw_path"].decode("latin-1"),
            "query": scope["query_string"].decode("latin-1"),
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
            "body": body.hex(),
        }
        answer = json.dumps(seen).encode() + b"\n\xff\xfe"
        await send(
            {
                "type": "http.response.start",
                "status": 299,
                "headers": [
                    (b"content-type", b"application/octet-stream"),
                    (b"x-odd", LATIN1.encode("latin-1")),
                    (b"set-cookie", b"a=1"),
                    (b"set-cookie", b"b=2"),
                    (b"content-length", str(len(answer)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})


def _send(
    port: int,
    method: str,
    path: str,
    headers: list[tuple[str, bytes]],
    body: bytes | None,
    chunked: bool = False,
) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers:
        connection.putheader(name, value)
    if chunked:
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for piece in (body or b"")[:7], (body or b"")[7:]:
            connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        connection.send(b"0\r\n\r\n")
    else:
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.getheaders(), data


def _echoed(data: bytes) -> dict[str, Any]:
    echoed: dict[str, Any] = json.loads(data.split(b"\n")[0])
    return echoed


def test_odd_requests_pass_byte_for_byte(tmp_path: Path) -> None:
    record = tmp_path / "odd.ndjson"
    with serving(Echo(), name="echo") as upstream, loopback_socket() as sock:
        port = sock.getsockname()[1]
        with recording_proxy(upstream, record, sock) as recorder:
            cases = [
                ("POST", "/api/v1/capture-order/?a=1&b=%20x&c=%ff", ODD_BODY, False),
                ("PROPFIND", "/api/v1/capture-order/", b"", False),
                ("PATCH", "/elsewhere/x;y?z", b"\x80\x81 binary", False),
                ("POST", "/api/v1/capture-order/", ODD_BODY * 3, True),
            ]
            for method, path, body, chunked in cases:
                headers = [
                    ("X-Latin", LATIN1.encode("latin-1")),
                    ("Authorization", b"Token secret-key-0123456789"),
                    ("X-Repeated", b"one"),
                    ("X-Repeated", b"two"),
                ]
                status, got_headers, data = _send(
                    port, method, path, headers, body or None, chunked
                )
                seen = _echoed(data)
                assert status == 299
                assert seen["method"] == method
                assert seen["path"] + ("?" + seen["query"] if seen["query"] else "") == path
                assert bytes.fromhex(seen["body"]) == body
                sent = [(k.lower(), v.decode("latin-1")) for k, v in headers]
                assert [tuple(h) for h in seen["headers"] if h[0] in dict(sent)] == sent
                assert data.endswith(b"\n\xff\xfe")
                assert ("x-odd", LATIN1) in [(k.lower(), v) for k, v in got_headers]
                assert [v for k, v in got_headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]
            extra = {h[0] for h in seen["headers"]} - {k.lower() for k, _ in headers}
            assert extra <= {"host", "content-length"}, "the proxy added headers of its own"
    assert recorder.seen == 4 and recorder.judged == 3  # one went elsewhere
    lines = record.read_text(encoding="utf-8").splitlines()
    assert "secret-key-0123456789" not in record.read_text(encoding="utf-8")
    first = from_record(json.loads(lines[0]), "line 1")
    assert first.request_body == ODD_BODY
    assert (first.request_header("Authorization") or "").startswith("Token <redacted:ch-")


def test_proxy_command_refuses_bad_options_with_one_line() -> None:
    done = subprocess.run(
        [PYTHON, "-m", "capture_order", "proxy", "--upstream", "ftp://x", "--listen", "nowhere"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "HOST:PORT" in done.stderr


def test_compressed_answers_are_recorded_decompressed() -> None:
    document = b'{"code": "order_not_found"}'
    exchange = Exchange(
        "POST",
        "http://x/api/v1/capture-order/",
        (),
        b"",
        404,
        (("content-encoding", "gzip"), ("content-type", "application/problem+json")),
        gzip.compress(document),
        1.0,
        "test",
    )
    plain = decoded(exchange)
    assert plain.response_body == document and plain.header("content-encoding") is None
    assert decoded(plain) is plain


def _proxy_command(upstream: str, port: int, tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "capture_order",
            "proxy",
            "--upstream",
            upstream,
            "--listen",
            f"127.0.0.1:{port}",
            "--record",
            str(tmp_path / "r.ndjson"),
            "--report-dir",
            str(tmp_path / "report"),
            "--quiet",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _post_when_up(url: str) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.post(url, json={"order": "CO-none"}, timeout=5)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the proxy did not start"
            time.sleep(0.2)


def test_proxy_writes_its_report_when_terminated(reference: Reference, tmp_path: Path) -> None:
    port = free_port()
    process = _proxy_command(reference.base_url, port, tmp_path)
    try:
        answer = _post_when_up(f"http://127.0.0.1:{port}/api/v1/capture-order/")
        assert answer.status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, out + err
    assert "Verdict: NO FAILURES, BUT INCOMPLETE" in out
    report = read_report(tmp_path / "report" / "report.json")
    assert report["traffic"]["judged"] == 1


def test_proxy_judging_process_reports_what_the_upstream_broke(tmp_path: Path) -> None:
    """The command judges in a child process: its findings reach the report and the exit code."""
    port = free_port()
    with serving(Echo(), name="echo") as upstream:
        process = _proxy_command(upstream, port, tmp_path)
        try:
            assert (
                _post_when_up(f"http://127.0.0.1:{port}/api/v1/capture-order/").status_code == 299
            )
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
    assert process.returncode == 1, out + err
    report = read_report(tmp_path / "report" / "report.json")
    failed = {r["id"]: r for r in report["requirements"] if r["status"] == "FAIL"}
    assert "CO-RSP-01" in failed, sorted(failed)
    assert "299" in json.dumps(failed["CO-RSP-01"]["failures"])


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    return [int(p) for p in text.split()]


def test_proxy_records_in_order_in_a_child_that_yields_the_cpu(tmp_path: Path) -> None:
    """The judging child writes the record, exchange after exchange, at a lower CPU priority."""
    port = free_port()
    with serving(Echo(), name="echo") as upstream:
        process = _proxy_command(upstream, port, tmp_path)
        try:
            url = f"http://127.0.0.1:{port}/api/v1/capture-order/"
            _post_when_up(url)
            with httpx.Client(timeout=5) as client:
                for number in range(40):
                    client.post(url, json={"order": f"CO-{number:03d}"})
            niceness = {p: os.getpriority(os.PRIO_PROCESS, p) for p in _children(process.pid)}
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert own + 19 in niceness.values(), (own, niceness)
    lines = (tmp_path / "r.ndjson").read_text(encoding="utf-8").splitlines()
    sent = [json.loads(json.loads(line)["request_body"])["order"] for line in lines]
    assert sent == ["CO-none", *(f"CO-{n:03d}" for n in range(40))], out + err


def _answer_headers(port: int) -> list[tuple[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/api/v1/capture-order/", b"{}", {"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    response.read()
    connection.close()
    # Date moves on between the two requests: its name and place count, not its value.
    return [(k.lower(), "<date>" if k.lower() == "date" else v) for k, v in response.getheaders()]


def test_the_command_adds_no_header_to_what_the_upstream_answered(tmp_path: Path) -> None:
    port = free_port()
    with serving(Echo(), name="echo") as upstream:
        process = _proxy_command(upstream, port, tmp_path)
        try:
            _post_when_up(f"http://127.0.0.1:{port}/api/v1/capture-order/")
            direct = _answer_headers(int(upstream.rsplit(":", 1)[1]))
            proxied = _answer_headers(port)
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
    assert proxied == direct
    lines = (tmp_path / "r.ndjson").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["url"].startswith("http://")  # X-Forwarded-Proto not taken

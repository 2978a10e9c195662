"""A reverse proxy in front of a deployment that switches on one named fault."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from tests.faults import catalogue as _catalogue  # noqa: F401  (registers the faults)
from tests.faults.registry import FAULTS, FaultContext, Message

HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


class FaultProxy:
    """ASGI app: forwards to `upstream` with httpx, letting the fault edit both directions."""

    def __init__(self, upstream: str, fault_name: str, tokens: tuple[str, ...]) -> None:
        self.upstream = upstream.rstrip("/")
        self.fault = FAULTS[fault_name]
        self.context = FaultContext(tokens)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = Message(
            method=scope["method"],
            path=scope["raw_path"].decode("latin-1")
            + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else ""),
            headers=[
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in scope["headers"]
                if k.decode("latin-1").lower() not in HOP_BY_HOP
            ],
            body=body,
        )
        response = self.fault.on_request(self.context, request) if self.fault.on_request else None
        if response is None:
            response = await self._forward(request)
            if self.fault.on_response is not None:
                self.fault.on_response(self.context, request, response)
        headers = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in response.headers
            if k.lower() not in HOP_BY_HOP
        ]
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    async def _forward(self, request: Message) -> Message:
        async with httpx.AsyncClient(timeout=30) as client:
            upstream = await client.request(
                request.method,
                self.upstream + request.path,
                headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers],
                content=request.body,
            )
        return Message(
            status=upstream.status_code,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in upstream.headers.raw],
            body=upstream.content,
        )


@contextmanager
def running_proxy(
    upstream: str, fault_name: str, tokens: tuple[str, ...], port: int
) -> Iterator[str]:
    """Serve the proxy with uvicorn in a thread; yields its base URL."""
    config = uvicorn.Config(
        FaultProxy(upstream, fault_name, tokens),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fault proxy did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

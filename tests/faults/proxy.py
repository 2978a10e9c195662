"""A reverse proxy in front of a deployment that switches on one named fault (or none)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.faults import catalogue as _catalogue  # noqa: F401  (registers the faults)
from tests.faults.registry import FAULTS, Fault, FaultContext, Message
from tests.harness import serving

HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "keep-alive"}


class FaultProxy:
    """ASGI app: forwards to `upstream` with httpx, letting the fault edit both directions."""

    def __init__(self, upstream: str, fault: Fault | None, fixtures: dict[str, Any]) -> None:
        self.upstream = upstream.rstrip("/")
        self.fault = fault
        self.context = FaultContext(
            token=fixtures["token"],
            foreign_token=fixtures["foreign_token"],
            foreign_orders=frozenset(o["number"] for o in fixtures["foreign_orders"]),
            forward=self.forward,
            fixtures=fixtures,
        )
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            request = await self._read(scope, receive)
            response = await self._handle(request)
            headers = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, v in response.headers
                if k.lower() not in HOP_BY_HOP
            ]
            headers.append((b"content-length", str(len(response.body)).encode()))
            await send(
                {"type": "http.response.start", "status": response.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": response.body})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # One pooled client: a new one per request costs more than the request itself.
                self._client = httpx.AsyncClient(
                    # Idle connections given up before the server's 5 s keep-alive ends: one
                    # reused as uvicorn closes it failed unanswered, and this proxy answered 500.
                    timeout=30,
                    limits=httpx.Limits(max_connections=64, keepalive_expiry=1.0),
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read(self, scope: dict[str, Any], receive: Any) -> Message:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope["query_string"].decode("latin-1")
        return Message(
            method=scope["method"],
            path=scope["raw_path"].decode("latin-1") + (f"?{query}" if query else ""),
            headers=[
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in scope["headers"]
                if k.decode("latin-1").lower() not in HOP_BY_HOP
            ],
            body=body,
        )

    async def _handle(self, request: Message) -> Message:
        fault, ctx = self.fault, self.context
        answer = await fault.on_request(ctx, request) if fault and fault.on_request else None
        if answer is not None:
            return answer
        response = await self.forward(request)
        if fault is not None and fault.on_response is not None:
            response = await fault.on_response(ctx, request, response) or response
        return response

    async def forward(self, request: Message) -> Message:
        """Send the request upstream as it is now; the upstream's answer."""
        assert self._client is not None, "the proxy's lifespan did not start"
        upstream = await self._client.request(
            request.method,
            self.upstream + request.path,
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers],
            content=request.body,
        )
        return Message(
            status=upstream.status_code,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in upstream.headers.raw],
            body=upstream.content,
            started=request.started,
        )


@contextmanager
def running_proxy(
    upstream: str, fault_name: str | None, fixtures: dict[str, Any], sock: socket.socket
) -> Iterator[str]:
    """Serve the proxy in a thread on the bound socket; yields its base URL."""
    fault = FAULTS[fault_name] if fault_name else None
    with serving(FaultProxy(upstream, fault, fixtures), sock, name="fault-proxy") as url:
        yield url

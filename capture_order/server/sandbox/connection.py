"""Closing a request's connection without an answer: the outermost ASGI layer of the sandbox.

ASGI has no message for "close without answering": an app that sends nothing gets a 500 from
uvicorn. So this layer, which sees uvicorn's own `send`, keeps the connection's transport and
lets the capture edge close it (`drop_connection`); whatever the app sends afterwards is
swallowed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("capture_order.sandbox")

_DROP: ContextVar[Callable[[], None] | None] = ContextVar(
    "capture_order_sandbox_drop", default=None
)


class CannotDropError(RuntimeError):
    """The server under the app gives no way to close a connection (not uvicorn)."""


def drop_connection() -> None:
    """Close the current request's connection now, without an answer."""
    drop = _DROP.get()
    if drop is None:
        raise CannotDropError("no connection to drop outside a sandbox request")
    drop()


class DroppableConnections:
    """Wraps the app so that the capture edge can drop a request's connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # uvicorn's `send` is a method of the request's cycle, which holds the transport.
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        dropped = False

        def drop() -> None:
            nonlocal dropped
            if transport is None:
                raise CannotDropError("the server does not expose the connection")
            dropped = True
            transport.close()
            logger.info("sandbox: closed the connection of %s %s", scope["method"], scope["path"])

        async def guarded_send(message: Message) -> None:
            if not dropped:
                await send(message)

        token = _DROP.set(drop)
        try:
            await self.app(scope, receive, guarded_send)
        finally:
            _DROP.reset(token)
        if dropped:
            # Let uvicorn see the closed connection before it checks for a missing answer.
            await asyncio.sleep(0)

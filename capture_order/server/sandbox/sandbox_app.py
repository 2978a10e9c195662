"""The reference server with the sandbox on: control API, capture edge, droppable connections.

Requests under the control prefix go to the control API; every other request to the capture
API, whose capture service is the sandbox's edge (`SandboxCapture`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from starlette.types import ASGIApp, Receive, Scope, Send

from capture_order.server.app import create_app
from capture_order.server.middleware import AccessLogMiddleware
from capture_order.server.sandbox.clock import SandboxClock
from capture_order.server.sandbox.connection import DroppableConnections
from capture_order.server.sandbox.control import HANDLERS
from capture_order.server.sandbox.control_api import control_app
from capture_order.server.sandbox.control_spec import prefix
from capture_order.server.sandbox.edge import SandboxCapture
from capture_order.server.sandbox.runtime import FreshTokens, SandboxRuntime
from capture_order.server.server_settings import ServerSettings
from capture_order.server.services import Services


class SandboxApp:
    """Requests under the control prefix go to the control API, all others to the capture API."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.clock = SandboxClock()
        self._sandbox: SandboxRuntime | None = None
        self.prefix = prefix()
        self.capture_api = create_app(settings, clock=self.clock, start=self._start)
        self.control_api = AccessLogMiddleware(control_app(settings, HANDLERS, self.sandbox))

    def sandbox(self) -> SandboxRuntime:
        """This worker's sandbox (made when the app's lifespan starts)."""
        if self._sandbox is None:
            raise RuntimeError("the sandbox starts with the app's lifespan")
        return self._sandbox

    def _start(self, settings: ServerSettings, clock: Callable[[], datetime]) -> Services:
        services = Services.start(settings, clock)
        capture = SandboxCapture(services.store, self.clock, settings.idempotency_retention)
        self._sandbox = SandboxRuntime.load(services.store, capture, settings.sandbox_hosts)
        return replace(services, capture=capture, tokens=FreshTokens(services.store))

    def is_control(self, scope: Scope) -> bool:
        """Whether a request is for the control API."""
        path: str = scope["path"]
        return path == self.prefix or path.startswith(self.prefix + "/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.is_control(scope):
            await self.control_api(scope, receive, send)
        else:
            await self.capture_api(scope, receive, send)


def sandbox_app(settings: ServerSettings) -> ASGIApp:
    """The reference server as an ASGI app, with the sandbox on."""
    return DroppableConnections(SandboxApp(settings))

"""ASGI middleware around Connexion: the access log line and the body limit."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from capture_order.server.answering import problem_answer
from capture_order.server.problem_types import CAPTURE_PROBLEMS, ProblemTable
from capture_order.server.problems import ApiProblem
from capture_order.server.services import LOG_KEY, log_fields

access_logger = logging.getLogger("capture_order.access")


class AccessLogMiddleware:
    """Writes one structured log line per request (at INFO; nothing at all above it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        scope[LOG_KEY] = {}
        started = time.perf_counter()
        status = 500

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            fields = log_fields(scope)
            line = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                # Client text, bounded; the Authorization header is never logged.
                "order": fields.get("order"),
                "result": fields.get("result"),
            }
            access_logger.info(json.dumps(line, ensure_ascii=True))


class BodyLimitMiddleware:
    """Answers 413 for bodies over the limit, declared or streamed, before anything parses them."""

    def __init__(self, app: ASGIApp, limit: int, problems: ProblemTable = CAPTURE_PROBLEMS) -> None:
        self.app = app
        self.limit = limit
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(scope, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Raised into whoever reads the body; Connexion's exception
                    # middleware turns it into the 413 problem.
                    raise ApiProblem("request_too_large")
            return message

        await self.app(scope, counting_receive, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        log_fields(scope)["result"] = "request_too_large"
        answer = problem_answer("request_too_large", problems=self.problems)
        headers: list[Any] = [
            (b"content-type", answer.media_type.encode()),
            (b"content-length", str(len(answer.body)).encode()),
            (b"connection", b"close"),
            *((k.lower().encode(), v.encode()) for k, v in answer.headers().items()),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

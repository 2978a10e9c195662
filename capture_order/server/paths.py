"""The operation has one path: its slashless twin is a 404, not Starlette's 307 (CO-REQ-10)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from capture_order.contract.spec import OPERATION_PATH, base_path
from capture_order.server.answering import problem_answer
from capture_order.server.services import log_fields


class ExactPathMiddleware:
    """Answers the operation's path without its trailing slash with the 404 `not_found` problem.

    Starlette's router would redirect it (307, `redirect_slashes`): a POST redirect asks the
    client to send its token and body again, and many clients do not follow it for POST.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.twin = base_path() + OPERATION_PATH.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.twin:
            await self.app(scope, receive, send)
            return
        log_fields(scope)["result"] = "not_found"
        answer = problem_answer("not_found")
        headers = [
            (b"content-type", answer.media_type.encode()),
            (b"content-length", str(len(answer.body)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in answer.headers().items()),
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

"""The operation has one path: its slashless twin is a 404, not Starlette's 307 (CO-REQ-10).

Nor is the path spelled with a percent-encoded reserved character (`capture-order%2F`) the
operation's: RFC 3986 (section 6.2.2.2) makes only encoded unreserved characters equivalent to
themselves, but the server sees the path decoded whole.
"""

from __future__ import annotations

import re
import string

from starlette.types import ASGIApp, Receive, Scope, Send

from capture_order.contract.spec import OPERATION_PATH, base_path
from capture_order.server.answering import problem_answer
from capture_order.server.services import log_fields

ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")
UNRESERVED = frozenset((string.ascii_letters + string.digits + "-._~").encode())


def _unreserved_decoded(raw: bytes) -> str:
    """The raw path with its encoded unreserved characters decoded, and nothing else."""
    return ESCAPE.sub(
        lambda m: bytes([n]) if (n := int(m.group(1), 16)) in UNRESERVED else m.group(0), raw
    ).decode("latin-1")


class ExactPathMiddleware:
    """Answers the operation's path without its trailing slash with the 404 `not_found` problem.

    Starlette's router would redirect it (307, `redirect_slashes`): a POST redirect asks the
    client to send its token and body again, and many clients do not follow it for POST.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.path = base_path() + OPERATION_PATH
        self.twin = self.path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._other_path(scope):
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

    def _other_path(self, scope: Scope) -> bool:
        """The slashless twin, or the path written with an encoded reserved character."""
        path = scope["path"]
        if path == self.twin:
            return True
        raw = scope.get("raw_path")
        return path == self.path and raw is not None and _unreserved_decoded(raw) != path

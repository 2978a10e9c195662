"""Configuration (b) of `make bench`: the same capture service and store behind a bare Starlette
route, no Connexion (no routing layers, no schema validation, no security middleware): the
ceiling of the project's own code on this machine.

`python -m bench.bare_app --database URL --port P`
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from capture_order.server.answering import problem_answer
from capture_order.server.api import response
from capture_order.server.capture_service import Reply
from capture_order.server.server_settings import ServerSettings
from capture_order.server.services import STATE_KEY, Services, serving_start

TOKEN = re.compile(r"^[Tt][Oo][Kk][Ee][Nn] ([\x21-\x7E]{1,256})$")


async def capture(request: Request) -> Response:
    """POST /api/v1/capture-order/ with nothing but the rules."""
    services: Services = request.state.services
    match = TOKEN.fullmatch(request.headers.get("authorization", ""))
    channel = services.tokens.channel_for(match.group(1)) if match else None
    if channel is None:
        return response(Reply(problem_answer("authentication_failed")))
    body = json.loads(await request.body())
    reply = await services.capture.capture(channel, body, request.headers.get("idempotency-key"))
    return response(reply)


def app(database_url: str) -> Starlette:
    """The bare app over the database."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[dict[str, Services]]:
        services = serving_start(ServerSettings(database_url=database_url))  # as `serve` starts
        try:
            yield {STATE_KEY: services}
        finally:
            services.close()

    routes = [Route("/api/v1/capture-order/", capture, methods=["POST"])]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    """Serve the bare app on 127.0.0.1."""
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app")
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app(args.database), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

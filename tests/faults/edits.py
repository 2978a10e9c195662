"""Building blocks of faults: body edits on 200s and errors, made-up problems, request bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.faults.registry import FaultContext, Message, ResponseHook

PROBLEM_JSON = "application/problem+json"
Edit = Callable[[dict[str, Any]], None]


def on_order(edit: Edit) -> ResponseHook:
    """A response hook that edits every 200 `Order` body (a JSON object) in place."""

    async def hook(ctx: FaultContext, request: Message, response: Message) -> None:
        body = response.json()
        if response.status == 200 and isinstance(body, dict):
            edit(body)
            response.set_json(body)

    return hook


def on_problem(edit: Edit, *statuses: int) -> ResponseHook:
    """A response hook that edits problem bodies (of the given statuses, or all 4xx/5xx)."""

    async def hook(ctx: FaultContext, request: Message, response: Message) -> None:
        body = response.json()
        wanted = response.status in statuses if statuses else response.status >= 400
        if wanted and isinstance(body, dict):
            edit(body)
            response.set_json(body)

    return hook


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> Message:
    """A made-up problem response, shaped like the upstream's own."""
    body = {
        "type": "/problems/" + code.replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return Message(
        status=status,
        headers=[("content-type", PROBLEM_JSON)],
        body=json.dumps(body).encode(),
    )


def capture_body(request: Message) -> dict[str, Any] | None:
    """The request body when it is a JSON object."""
    body = request.json()
    return body if isinstance(body, dict) else None


def order_number(request: Message) -> str | None:
    """The `order` of a capture request, when it is a string."""
    number = (capture_body(request) or {}).get("order")
    return number if isinstance(number, str) else None


def with_body(request: Message, body: dict[str, Any]) -> Message:
    """A copy of the request carrying another JSON body."""
    return request.copy(body=json.dumps(body).encode())


def error_index(response: Message) -> int | None:
    """N of the first `order_items[N]...` key in a problem's `errors` (the item it names)."""
    body = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    for key in errors if isinstance(errors, dict) else ():
        if isinstance(key, str) and key.startswith("order_items["):
            index = key[len("order_items[") :].split("]", 1)[0]
            if index.isdigit():
                return int(index)
    return None


def valid_token(ctx: FaultContext, request: Message) -> bool:
    """Whether the request carries one of the deployment's tokens exactly."""
    return request.header("authorization") in ctx.tokens

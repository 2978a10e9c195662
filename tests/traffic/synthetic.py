"""Large NDJSON traffic made up from the spec's examples: captures, replays, conflicts, errors.

Each session is one order of one of a few channels: a full capture with a key, its replay, a
second capture (409), an unknown order (404) and a request without a token (401): conformant
traffic of the usual mix, every order number and key unique, so the file can be any size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.traffic.samples import URL, example

CHANNELS = [f"Token {i:040x}" for i in range(1, 5)]


def _line(
    request: dict[str, Any],
    headers: list[list[str]],
    status: int,
    body: Any,
    response_headers: list[list[str]],
) -> str:
    text = json.dumps(body, separators=(",", ":"))
    media = "application/json" if status == 200 else "application/problem+json"
    return (
        json.dumps(
            {
                "time": "2024-11-21T09:30:00.000000Z",
                "elapsed_ms": 4.2,
                "method": "POST",
                "url": URL,
                "request_headers": [["content-type", "application/json"], *headers],
                "request_body": json.dumps(request),
                "status": status,
                "response_headers": [
                    ["content-type", media],
                    ["content-length", str(len(text))],
                    *response_headers,
                ],
                "response_body": text,
            },
            separators=(",", ":"),
        )
        + "\n"
    )


def sessions() -> Iterator[str]:
    """Lines of traffic, session after session, without end."""
    order, missing = example("OrderFullyCaptured"), example("OrderNotFound")
    conflict, unauthenticated = example("OrderAlreadyCaptured"), example("MissingToken")
    number = 0
    while True:
        number += 1
        token = CHANNELS[number % len(CHANNELS)]
        name = f"CO-{number:09d}"
        auth = ["authorization", token]
        key = ["idempotency-key", f"key-{number:012d}"]
        body = {**order, "number": name}
        request = {"order": name}
        yield _line(request, [auth, key], 200, body, [])
        yield _line(request, [auth, key], 200, body, [["idempotent-replayed", "true"]])
        yield _line(request, [auth], 409, conflict, [])
        yield _line({"order": f"{name}-x"}, [auth], 404, missing, [])
        yield _line(request, [], 401, unauthenticated, [["www-authenticate", "Token"]])


def write(path: Path, megabytes: float) -> int:
    """Write at least that many megabytes of sessions; the number of exchanges written."""
    limit, size, count = int(megabytes * 1_000_000), 0, 0
    with path.open("w", encoding="utf-8") as out:
        for line in sessions():
            out.write(line)
            size += len(line)
            count += 1
            if size >= limit and count % 5 == 0:
                return count
    return count

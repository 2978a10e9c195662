"""The sandbox's tests use its pytest plugin as a client team would: fixtures imported here."""

from __future__ import annotations

from typing import Any

import httpx

from capture_order.server.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert a problem+json answer with this status and code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS and body["status"] == status and body["code"] == code
    return body

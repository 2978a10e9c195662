"""The sandbox's tests use its pytest plugin as a client team would: fixtures imported here."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from server.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401
from tests.server.conftest import POSTGRES_ADMIN_URL

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert a problem+json answer with this status and code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS and body["status"] == status and body["code"] == code
    return body


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A PostgreSQL database of its own (a reset restores the whole database), dropped after."""
    name = f"capture_order_sandbox_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

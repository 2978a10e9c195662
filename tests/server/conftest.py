"""Fixtures for the server's tests: databases (SQLite file, PostgreSQL) and a live server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from capture_order.server.seeding import SeededOrder, create_channel, create_order
from capture_order.server.store import Store
from tests.harness import ServerProcess, free_port

POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENDPOINT = "/api/v1/capture-order/"


def now() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    name = f"capture_order_test_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file of its own for one test."""
    return f"sqlite:///{tmp_path / 'capture-order.sqlite3'}"


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """An open store on the test's database."""
    opened = Store.open(database_url)
    yield opened
    opened.close()


@dataclass
class Channel:
    """A sales channel made for a test, with its token."""

    id: int
    key: str

    @property
    def authorization(self) -> str:
        """The Authorization header value."""
        return f"Token {self.key}"


@dataclass
class Deployment:
    """A running server, its database, and two channels to act in."""

    server: ServerProcess
    store: Store
    a: Channel
    b: Channel
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    @property
    def url(self) -> str:
        """The capture endpoint's URL."""
        return self.server.base_url + ENDPOINT

    def order(
        self, items: int = 3, *, status: str = "450", channel: Channel | None = None
    ) -> SeededOrder:
        """A new order in channel A (or another channel), straight into the database."""
        number = f"T-{secrets.token_hex(6)}"
        return create_order(self.store, (channel or self.a).id, number, items, now(), status=status)

    def post(
        self,
        body: Any = None,
        *,
        token: str | None = "a",
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """POST to the endpoint as channel "a" or "b" (or a raw Authorization value)."""
        sent: dict[str, str] = {"Content-Type": "application/json"}
        if token is not None:
            sent["Authorization"] = {"a": self.a.authorization, "b": self.b.authorization}.get(
                token, token
            )
        sent.update(headers or {})
        if content is None:
            return self.client.post(self.url, json=body, headers=sent)
        return self.client.post(self.url, content=content, headers=sent)


def deploy(database_url: str, log_path: Path, *args: str) -> Deployment:
    """Open the database, make two channels, start `capture-order serve` on it."""
    store = Store.open(database_url)
    a = Channel(*create_channel(store, f"a-{secrets.token_hex(4)}", now()))
    b = Channel(*create_channel(store, f"b-{secrets.token_hex(4)}", now()))
    server = ServerProcess(["--database", database_url, *args], log_path, free_port()).start()
    return Deployment(server, store, a, b)


def teardown(deployment: Deployment) -> None:
    """Stop the server and close everything."""
    deployment.client.close()
    deployment.server.stop()
    deployment.store.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """One server for the end-to-end tests: SQLite file, response validation on."""
    directory = tmp_path_factory.mktemp("live")
    deployment = deploy(
        f"sqlite:///{directory / 'live.sqlite3'}",
        directory / "server.log",
        "--validate-responses",
        "--log-level",
        "info",
    )
    yield deployment
    teardown(deployment)

"""pytest fixtures for client teams: a sandbox server for the session, a clean sandbox per test.

Enable with `pytest -p server.sandbox.pytest_plugin`, or import the fixtures in a conftest.py:

    from capture_order.server.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401

    def test_retry_after_a_lost_answer(sandbox):
        order = sandbox.create_order()
        sandbox.arm("drop_after_commit", order=order)
        ...

Set CAPTURE_ORDER_SANDBOX_URL (and CAPTURE_ORDER_SANDBOX_TOKEN) to use a running server, such as
`make sandbox`, instead of starting one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from capture_order.server.sandbox.client import Sandbox
from capture_order.server.sandbox.launch import TOKEN_ENV, RunningSandbox, SandboxServer

URL_ENV = "CAPTURE_ORDER_SANDBOX_URL"


@pytest.fixture(scope="session")
def sandbox_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SandboxServer | RunningSandbox]:
    """One `capture-order serve --sandbox` on a free loopback port for the test session."""
    url = os.environ.get(URL_ENV)
    if url:
        yield RunningSandbox(url, os.environ[TOKEN_ENV])
        return
    with SandboxServer(tmp_path_factory.mktemp("sandbox")) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer | RunningSandbox) -> Iterator[Sandbox]:
    """A client of the sandbox, reset to its seeded state first: nothing leaks between tests."""
    with sandbox_server.client() as client:
        client.reset()
        yield client

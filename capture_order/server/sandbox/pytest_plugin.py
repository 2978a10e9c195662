"""pytest fixtures for client teams: a sandbox server for the session, a clean sandbox per test.

Enable with `pytest -p capture_order.server.sandbox.pytest_plugin`, or import the fixtures in a
conftest.py:

    from capture_order.server.sandbox.pytest_plugin import sandbox, sandbox_server  # noqa: F401

    def test_retry_after_a_lost_answer(sandbox):
        order = sandbox.create_order()
        sandbox.arm("drop_after_commit", order=order)
        ...

Set CAPTURE_ORDER_SANDBOX_URL and CAPTURE_ORDER_SANDBOX_TOKEN (the two `export` lines that
`make sandbox` prints) to use a running server instead of starting one; one without the other
fails the tests that use the fixture with one line naming the missing variable.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from capture_order.server.sandbox.client import Sandbox
from capture_order.server.sandbox.launch import (
    TOKEN_ENV,
    URL_ENV,
    RunningSandbox,
    SandboxServer,
    SandboxSetupError,
)

__all__ = ["TOKEN_ENV", "URL_ENV", "sandbox", "sandbox_server"]


@pytest.fixture(scope="session")
def sandbox_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SandboxServer | RunningSandbox]:
    """One `capture-order serve --sandbox` on a free loopback port for the test session."""
    problem = running = None
    try:
        running = RunningSandbox.from_env()
    except SandboxSetupError as exc:
        problem = str(exc)
    if problem is not None:  # outside the except: one line, no chained exception
        pytest.fail(problem, pytrace=False)
    if running is not None:
        yield running
        return
    with SandboxServer(tmp_path_factory.mktemp("sandbox")) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer | RunningSandbox) -> Iterator[Sandbox]:
    """A client of the sandbox, reset to its seeded state first: nothing leaks between tests."""
    with sandbox_server.client() as client:
        client.reset()
        yield client

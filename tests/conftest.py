"""Fixtures shared by every test directory, built on the harness in tests/harness.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.harness import Reference, ServerProcess, free_port, reference_server


@pytest.fixture
def launch_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start `capture-order serve` processes; all are stopped after the test."""
    started: list[ServerProcess] = []

    def launch(*args: str, port: int | None = None) -> ServerProcess:
        server = ServerProcess(
            list(args), tmp_path / f"server-{len(started)}.log", port or free_port()
        )
        started.append(server)
        return server.start()

    yield launch
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    """A reference server on a fresh SQLite file, for one test module."""
    with reference_server(tmp_path_factory.mktemp("reference")) as server:
        yield server

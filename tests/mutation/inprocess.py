"""The reference server inside the test process, so mutmut's trampolines see every request."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from server.app import create_app
from server.seed import seed_fixtures
from server.services import utc_now
from server.settings import Settings
from server.store import Store

# mutmut's trampolines read the active mutant from this variable on every call.
MUTANT_VARIABLE = "MUTANT_UNDER_TEST"
STARTUP_SECONDS = 20.0
SHUTDOWN_SECONDS = 10.0


@dataclass(frozen=True)
class InProcessServer:
    """A reference server running in a thread of this process, with its fixtures file."""

    base_url: str
    fixtures: Path


@contextmanager
def mutants_switched_off() -> Iterator[None]:
    """Run the block on the original code: no mutant active, no coverage recorded."""
    saved = os.environ.get(MUTANT_VARIABLE)
    # Any value naming no module makes every trampoline call the original function.
    os.environ[MUTANT_VARIABLE] = ""
    try:
        yield
    finally:
        if saved is None:
            del os.environ[MUTANT_VARIABLE]
        else:
            os.environ[MUTANT_VARIABLE] = saved


def _seed(database_url: str, base_url: str, orders: int, items: int, fixtures: Path) -> None:
    store = Store.open(database_url)
    try:
        document = seed_fixtures(store, base_url, orders, items, utc_now())
    finally:
        store.close()
    fixtures.write_text(json.dumps(document), encoding="utf-8")


@contextmanager
def reference_server_thread(workdir: Path, *, orders: int, items: int) -> Iterator[InProcessServer]:
    """Serve the reference app on 127.0.0.1 over a fresh seeded SQLite file; stop it after."""
    database_url = f"sqlite:///{workdir / 'reference.sqlite3'}"
    # A socket bound here, before uvicorn starts, leaves no window for another
    # process to take the port between choosing and binding it.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        fixtures = workdir / "fixtures.json"
        # The store checks every seeded order with the domain's invariants; a mutant must
        # be caught by the suite against the server, not by the test data set-up.
        with mutants_switched_off():
            _seed(database_url, base_url, orders, items, fixtures)
        app = create_app(Settings(database_url=database_url, log_level="warning"))
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, log_config=None, lifespan="on"
        )
        server = uvicorn.Server(config)
        # uvicorn installs no signal handlers outside the main thread.
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="reference-server", daemon=True
        )
        thread.start()
        try:
            _wait_until_started(server, thread)
            yield InProcessServer(base_url, fixtures)
        finally:
            server.should_exit = True
            thread.join(SHUTDOWN_SECONDS)
        if thread.is_alive():
            raise RuntimeError(f"the reference server did not stop in {SHUTDOWN_SECONDS} s")


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the in-process reference server exited during start-up")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the reference server did not start in {STARTUP_SECONDS} s")
        time.sleep(0.01)

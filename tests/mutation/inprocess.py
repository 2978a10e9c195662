"""The reference server inside the test process, so mutmut's trampolines see every request."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from capture_order.server.app import create_app
from capture_order.server.seeding import seed_fixtures
from capture_order.server.server_settings import ServerSettings
from capture_order.server.services import utc_now
from capture_order.server.store import Store
from tests.harness import loopback_socket, serving, url_of

# mutmut's trampolines read the active mutant from this variable on every call.
MUTANT_VARIABLE = "MUTANT_UNDER_TEST"


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
    with loopback_socket() as sock:
        fixtures = workdir / "fixtures.json"
        # The store checks every seeded order with the domain's invariants; a mutant must
        # be caught by the suite against the server, not by the test data set-up.
        with mutants_switched_off():
            _seed(database_url, url_of(sock), orders, items, fixtures)
        app = create_app(ServerSettings(database_url=database_url, log_level="warning"))
        with serving(app, sock, name="reference-server") as base_url:
            yield InProcessServer(base_url, fixtures)

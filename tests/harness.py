"""The shared test harness: free ports, servers (processes or threads), seeded fixtures, suite runs.

Two ways to run a server, one each: `ServerProcess` starts `capture-order serve` where workers,
crashes or the command line are the point; `serving()` runs an ASGI app (the reference app, a
fault proxy) with uvicorn in a thread of the test process where that proves the same thing.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from capture_order.conformance.report.ctrf import FILE as CTRF_FILE
from tests.ctrf_validation import valid_ctrf

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
STARTUP_SECONDS = 30.0
# Verdicts of the suite against the reference server other than PASS, asserted exactly:
# CO-IDEM-04 cannot be checked from outside.
REFERENCE_VERDICTS = {"CO-IDEM-04": "SKIP"}


SHUTDOWN_SECONDS = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for a server process)."""
    with loopback_socket() as sock:
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def loopback_socket() -> Iterator[socket.socket]:
    """A socket bound to a free 127.0.0.1 port: no window for another process to take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock


def url_of(sock: socket.socket) -> str:
    """The base URL of a bound loopback socket."""
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def serving(
    app: Any, sock: socket.socket | None = None, *, name: str = "test-server"
) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a thread of this process; yields its base URL.

    Pass a socket from `loopback_socket()` when the URL must be known before the app starts
    (fixtures that point at it).
    """
    with contextlib.ExitStack() as stack:
        if sock is None:
            sock = stack.enter_context(loopback_socket())
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, log_config=None, lifespan="on"
        )
        server = uvicorn.Server(config)
        # uvicorn installs no signal handlers outside the main thread.
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True
        )
        thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError(f"{name} did not start in {STARTUP_SECONDS} s")
            time.sleep(0.01)
        try:
            yield url_of(sock)
        finally:
            server.should_exit = True
            thread.join(SHUTDOWN_SECONDS)
        if thread.is_alive():
            raise RuntimeError(f"{name} did not stop in {SHUTDOWN_SECONDS} s")


class ServerProcess:
    """A `capture-order serve` process in its own process group, with its output in a file."""

    def __init__(self, args: list[str], log_path: Path, port: int) -> None:
        self.args = args
        self.log_path = log_path
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = STARTUP_SECONDS) -> ServerProcess:
        """Start the server and wait until it answers."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "capture_order", "serve", "--port", str(self.port), *self.args],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.base_url}/api/v1/openapi.json", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not start in {timeout} s:\n{self.output()}")

    def output(self) -> str:
        """Everything the server wrote so far."""
        return self.log_path.read_text(errors="replace")

    def _signal_group(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            # The group holds the server and, with --workers, its worker processes.
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL the server and all its workers, as a crash would."""
        self._signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM), killing it if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass(frozen=True)
class Reference:
    """A running reference server on its own SQLite file."""

    server: ServerProcess
    database: str
    tmp: Path

    @property
    def base_url(self) -> str:
        """Where the server listens."""
        return self.server.base_url

    def seed(self, *, orders: int = 20, items: int = 3, base_url: str | None = None) -> Path:
        """Two fresh channels and their orders as a fixtures file, as `capture-order seed` makes.

        Seeded in-process (the server's own seeding code) to save a process start per fault run;
        `capture-order seed` itself is tested in tests/server.
        """
        from capture_order.server.seeding import seed_fixtures
        from capture_order.server.store import Store

        store = Store.open(self.database)
        try:
            fixtures = seed_fixtures(
                store, base_url or self.base_url, orders, items, datetime.now(UTC)
            )
        finally:
            store.close()
        path = self.tmp / f"fixtures-{fixtures['orders'][0]['number']}.json"
        path.write_text(json.dumps(fixtures), encoding="utf-8")
        return path


@contextmanager
def reference_server(tmp: Path) -> Iterator[Reference]:
    """Start `capture-order serve` on a fresh SQLite file; stop it (and its group) afterwards."""
    database = f"sqlite:///{tmp / 'reference.sqlite3'}"
    server = ServerProcess(
        ["--database", database, "--log-level", "warning"],
        tmp / "server.log",
        free_port(),
    )
    server.start()
    try:
        yield Reference(server, database, tmp)
    finally:
        server.stop()


@dataclass(frozen=True)
class SuiteRun:
    """The outcome of `python -m conformance` as a subprocess."""

    returncode: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None

    def verdicts(self) -> dict[str, str]:
        """Requirement ID -> PASS/FAIL/WARN/SKIP/ERROR, from report.json."""
        assert self.report is not None, self.stdout + self.stderr
        return {r["id"]: r["status"] for r in self.report["requirements"]}


def run_suite(*args: str, report_dir: Path | None = None, timeout: float = 180) -> SuiteRun:
    """Run the suite in a subprocess (as a user would) and read report.json when written."""
    command = [PYTHON, "-m", "capture_order.conformance", *args]
    if report_dir is not None:
        command += ["--report-dir", str(report_dir)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    report_path = report_dir / "report.json" if report_dir else None
    if report_dir is not None and (report_dir / CTRF_FILE).exists():
        valid_ctrf(report_dir / CTRF_FILE)  # every suite run of the tests proves its CTRF
    report = read_report(report_path) if report_path is not None and report_path.exists() else None
    return SuiteRun(done.returncode, done.stdout, done.stderr, report)


def read_report(path: Path) -> dict[str, Any]:
    """A report.json, asserted valid against the report schema the suite ships."""
    from capture_order.conformance.report.json import schema_errors

    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    errors = schema_errors(report)
    assert not errors, f"{path} does not fit report.schema.json:\n" + "\n".join(errors[:10])
    return report

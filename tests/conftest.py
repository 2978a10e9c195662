"""Shared fixtures: a free loopback port and a launcher for real server processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """A `capture-order serve` process in its own process group, with its output in a file."""

    def __init__(self, args: list[str], log_path: Path, port: int) -> None:
        self.args = args
        self.log_path = log_path
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> ServerProcess:
        """Start the server and wait until it answers."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port), *self.args],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.base_url}/api/v1/openapi.json", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
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

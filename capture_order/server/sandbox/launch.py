"""Start `capture-order serve --sandbox` as a process on a free loopback port, for tests."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from capture_order.server.sandbox.client import CONTROL_PREFIX, Sandbox

# A running sandbox for the helper: its base URL and admin token, as `serve --sandbox` prints them.
URL_ENV = "CAPTURE_ORDER_SANDBOX_URL"
TOKEN_ENV = "CAPTURE_ORDER_SANDBOX_TOKEN"
STARTUP_SECONDS = 30.0


class SandboxSetupError(ValueError):
    """The environment names half a running sandbox, or a URL that is none."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class RunningSandbox:
    """A sandbox server started elsewhere (`make sandbox`, say): where it is and its token."""

    base_url: str
    admin_token: str

    def client(self) -> Sandbox:
        """A client of this server's control API."""
        return Sandbox(self.base_url, self.admin_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RunningSandbox | None:
        """The server both variables name; None when neither is set (start one instead)."""
        env = os.environ if env is None else env
        url, token = env.get(URL_ENV, ""), env.get(TOKEN_ENV, "")
        if not url and not token:
            return None
        banner = "capture-order serve --sandbox (make sandbox) prints it as"
        if not token:
            raise SandboxSetupError(
                f"{URL_ENV} is set but {TOKEN_ENV} is not: {banner} "
                f"'export {TOKEN_ENV}=...'; or unset {URL_ENV} to start a sandbox for the tests"
            )
        if not url:
            raise SandboxSetupError(
                f"{TOKEN_ENV} is set but {URL_ENV} is not: {banner} "
                f"'export {URL_ENV}=http://HOST:PORT'; or unset {TOKEN_ENV} to start a sandbox "
                "for the tests"
            )
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise SandboxSetupError(
                f"{URL_ENV} is not an http:// URL: {url!r} ({banner} 'export {URL_ENV}=...')"
            )
        return cls(url, token)


class SandboxServer:
    """A sandbox server process with its own admin token and database; output in `log_path`."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        database: str | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        # A directory of its own is removed on stop; one given is the caller's to keep.
        self._owned = directory is None
        self.directory = directory or Path(tempfile.mkdtemp(prefix="capture-order-sandbox-"))
        self.database = database or f"sqlite:///{self.directory / 'sandbox.sqlite3'}"
        self.args = args
        self.log_path = self.directory / "server.log"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_urlsafe(24)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = STARTUP_SECONDS) -> SandboxServer:
        """Start the server and wait until its control API answers."""
        command = [sys.executable, "-m", "capture_order", "serve", "--sandbox"]
        command += ["--port", str(self.port), "--database", self.database, *self.args]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, TOKEN_ENV: self.admin_token},
                start_new_session=True,  # its workers too are stopped with it
            )
        deadline = time.monotonic() + timeout
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sandbox server exited early:\n{self.output()}")
            try:
                url = f"{self.base_url}{CONTROL_PREFIX}/clock"
                if httpx.get(url, headers=headers, timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"sandbox server did not start in {timeout} s:\n{self.output()}")

    def client(self) -> Sandbox:
        """A client of this server's control API."""
        return Sandbox(self.base_url, self.admin_token)

    def output(self) -> str:
        """What the server wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop the server and its workers (SIGTERM, then SIGKILL if it hangs)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._owned:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

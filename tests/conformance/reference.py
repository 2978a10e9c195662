"""Run the real reference server and the suite as subprocesses, on free ports, for tests."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
STARTUP_SECONDS = 20.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    """Block until something accepts connections on the port (or fail)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {STARTUP_SECONDS}s")


@dataclass(frozen=True)
class Reference:
    """A running reference server on its own SQLite file."""

    base_url: str
    database: str
    tmp: Path

    def seed(self, *, orders: int = 20, items: int = 3, base_url: str | None = None) -> Path:
        """Seed fresh channels and orders (`capture-order seed --json`); return the file."""
        seeded = subprocess.run(
            [
                PYTHON,
                "-m",
                "server.cli",
                "seed",
                "--database",
                self.database,
                "--base-url",
                base_url or self.base_url,
                "--orders",
                str(orders),
                "--items",
                str(items),
                "--json",
            ],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=60,
        )
        fixtures = json.loads(seeded.stdout)
        path = self.tmp / f"fixtures-{fixtures['orders'][0]['number']}.json"
        path.write_text(json.dumps(fixtures), encoding="utf-8")
        return path


@contextmanager
def reference_server(tmp: Path) -> Iterator[Reference]:
    """Start `capture-order serve` on a fresh SQLite file; stop it afterwards."""
    port = free_port()
    database = f"sqlite:///{tmp / 'reference.sqlite3'}"
    base_url = f"http://127.0.0.1:{port}"
    log = (tmp / "server.log").open("wb")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "server.cli",
            "serve",
            "--database",
            database,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process)
        yield Reference(base_url, database, tmp)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass(frozen=True)
class SuiteRun:
    """The outcome of `python -m conformance` as a subprocess."""

    returncode: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None


def run_suite(*args: str, report_dir: Path | None = None, timeout: float = 180) -> SuiteRun:
    """Run the suite in a subprocess (as a user would) and read report.json when written."""
    command = [PYTHON, "-m", "conformance", *args]
    if report_dir is not None:
        command += ["--report-dir", str(report_dir)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    report_path = report_dir / "report.json" if report_dir else None
    report = (
        json.loads(report_path.read_text(encoding="utf-8"))
        if report_path is not None and report_path.exists()
        else None
    )
    return SuiteRun(done.returncode, done.stdout, done.stderr, report)

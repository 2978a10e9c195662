"""The configurations `make bench` compares: how each server starts, where it listens, its data."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STARTUP_S = 60.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True)
class Config:
    """One configuration: a label, its database kind, and the server processes to start."""

    key: str
    label: str
    database: str  # "sqlite" | "postgres" | "none"
    workers: int = 1
    instances: int = 1
    kind: str = "serve"  # "serve" | "bare" | "prism"


CONFIGS = (
    Config("a", "(a) capture-order serve, SQLite, 1 worker", "sqlite"),
    Config("b", "(b) bare Starlette route, same core and store, SQLite", "sqlite", kind="bare"),
    Config("c", "(c) capture-order serve, SQLite, 2 workers", "sqlite", workers=2),
    Config("d", "(d) capture-order serve, PostgreSQL, 2 workers", "postgres", workers=2),
    Config("e", "(e) 2 x serve (2 workers each), PostgreSQL", "postgres", workers=2, instances=2),
    Config("f", "(f) Prism 5.16 mock of the spec (stateless)", "none", kind="prism"),
    # The worker curve on PostgreSQL (with d: 1, 2, 4 workers).
    Config("p1", "(p1) capture-order serve, PostgreSQL, 1 worker", "postgres", workers=1),
    Config("p4", "(p4) capture-order serve, PostgreSQL, 4 workers", "postgres", workers=4),
)


@dataclass
class Running:
    """A started configuration: its processes, URLs and database."""

    config: Config
    work: Path
    database_url: str
    ports: list[int]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Where wrk sends its requests (the first instance; the script spreads threads)."""
        return f"http://127.0.0.1:{self.ports[0]}"

    @property
    def path(self) -> str:
        """The operation's path: Prism mocks the spec's paths without the server URL's base."""
        return "/capture-order/" if self.config.kind == "prism" else "/api/v1/capture-order/"

    @property
    def hosts(self) -> list[str]:
        """host:port of every instance."""
        return [f"127.0.0.1:{p}" for p in self.ports]

    @property
    def pids(self) -> list[int]:
        """The server processes (their workers are their children)."""
        return [p.pid for p in self.processes]


def _database(config: Config, work: Path) -> str:
    if config.database == "sqlite":
        path = work / f"{config.key}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if config.database == "postgres":
        name = f"capture_order_bench_{config.key}_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"postgresql://postgres@127.0.0.1:5432/{name}"
    return ""


def _command(config: Config, database: str, port: int, serve: list[str], prism: Path) -> list[str]:
    if config.kind == "bare":
        return [sys.executable, "-m", "bench.bare_app", "--database", database, "--port", str(port)]
    if config.kind == "prism":
        spec = Path(__file__).resolve().parents[1] / "openapi" / "capture-order.yaml"
        return [str(prism), "mock", str(spec), "--port", str(port), "--host", "127.0.0.1"]
    return [
        *serve,
        "--database",
        database,
        "--port",
        str(port),
        "--workers",
        str(config.workers),
        "--log-level",
        "warning",
    ]


def start(config: Config, work: Path, serve_command: str, prism: Path) -> Running:
    """Start the configuration's server(s) on fresh ports and a fresh database."""
    work.mkdir(parents=True, exist_ok=True)
    database = _database(config, work)
    running = Running(config, work, database, [free_port() for _ in range(config.instances)])
    serve = shlex.split(serve_command)
    if database:
        # Tables first, once, so that instances and workers do not race to create them.
        seed(running, 1, work / f"{config.key}-tables.txt")
    for index, port in enumerate(running.ports):
        log = (work / f"{config.key}-{index}.log").open("ab")
        running.processes.append(
            subprocess.Popen(
                _command(config, database, port, serve, prism),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    deadline = time.monotonic() + STARTUP_S
    for process, port in zip(running.processes, running.ports, strict=True):
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                stop(running)
                raise RuntimeError(f"{config.label} did not start; see {work}/{config.key}-*.log")
            time.sleep(0.1)
    return running


def seed(running: Running, count: int, into: Path) -> str:
    """Seed `count` fresh capturable orders of 3 items; write their numbers; return the token.

    Each `capture-order seed` run makes a new channel, so a round uses the orders (and the token)
    of its own seed run: no order is ever captured twice.
    """
    if running.config.kind == "prism":
        into.write_text("\n".join(f"CO-{i:07d}" for i in range(count)) + "\n", encoding="utf-8")
        return "Token bench"
    command = [sys.executable, "-m", "capture_order", "seed", "--database", running.database_url]
    done = subprocess.run(
        [*command, "--orders", str(count), "--items", "3", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    fixtures = json.loads(done.stdout)
    into.write_text("\n".join(o["number"] for o in fixtures["orders"]) + "\n", encoding="utf-8")
    return str(fixtures["token"])


def stop(running: Running) -> None:
    """Stop every process of the configuration and drop its PostgreSQL database."""
    for process in running.processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in running.processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    if running.config.database == "postgres":
        name = running.database_url.rsplit("/", 1)[-1]
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

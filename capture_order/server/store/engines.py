"""Engines for the two databases, and the lock that serializes SQLite's writers.

SQLite allows one writer at a time. Writers that meet a held lock wait in SQLite's busy handler,
which sleeps in growing steps (the old 1.5 s latency tail); here they queue on a lock instead: a
thread lock within the process and an `flock` on a file beside the database across processes
(workers), so the next writer starts the moment the last one commits. Readers stay concurrent
(WAL).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

# Connection option naming how a SQLite transaction begins; IMMEDIATE takes the
# write lock up front so two captures never interleave their read and write.
BEGIN_MODE = "capture_order_begin"
# PostgreSQL connections per process: the capture threads plus a few for reads.
POSTGRES_POOL = 12
_JSON = msgspec.json.Encoder()
# JSON columns (item attributes, extra fields) through msgspec: the stdlib's json was a third
# of the time of seeding, and is read on every capture.
JSON_OPTIONS: dict[str, Any] = {
    "json_serializer": lambda value: _JSON.encode(value).decode("utf-8"),
    "json_deserializer": msgspec.json.decode,
}


class WriteLock:
    """One writer at a time on a SQLite file: across threads and across processes."""

    def __init__(self, database: str | None) -> None:
        self._thread_lock = threading.Lock()
        self._path = None if database in (None, "", ":memory:") else Path(f"{database}.writer")
        self._fd: int | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the write lock for the block."""
        with self._thread_lock:
            if self._path is None:
                yield
                return
            if self._fd is None:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Release the lock file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def sqlite_engine(url: str) -> tuple[Engine, WriteLock]:
    """A SQLite engine (WAL, synchronous=FULL: a commit survives a crash) and its write lock."""
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=4,
        max_overflow=8,
        **JSON_OPTIONS,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        # Only processes that do not take the WriteLock (none of ours) ever wait here.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine, WriteLock(parsed.database)


def postgres_engine(url: str) -> Engine:
    """A PostgreSQL engine (psycopg 3); captures serialize on the order row (FOR UPDATE)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    # No pre-ping: it costs a round trip per unit of work. A connection found dead fails its
    # unit (a 500; its transaction rolls back with the connection) and the pool drops it.
    return create_engine(
        parsed, pool_size=POSTGRES_POOL, max_overflow=8, pool_recycle=1800, **JSON_OPTIONS
    )


def backend_of(url: str) -> str:
    """`sqlite` or `postgresql`; ValueError for anything else."""
    try:
        scheme = make_url(url).get_backend_name()
    except Exception:  # SQLAlchemy raises its ArgumentError for any unparsable URL
        raise ValueError(f"not a database URL: {url!r}") from None
    if scheme not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite or postgresql")
    return scheme

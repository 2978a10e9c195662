"""Engines for the two supported databases, configured for durable, serialized captures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

# Connection option naming how a SQLite transaction begins; IMMEDIATE takes the
# write lock up front so two captures never interleave their read and write.
BEGIN_MODE = "capture_order_begin"


def sqlite_engine(url: str) -> Engine:
    """A SQLite engine: WAL, synchronous=FULL (a commit survives a crash), busy waits."""
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8,
        max_overflow=32,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def postgres_engine(url: str) -> Engine:
    """A PostgreSQL engine (psycopg 3); captures serialize on the order row (FOR UPDATE)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_size=5, max_overflow=20, pool_pre_ping=True)


def engine_for(url: str) -> Engine:
    """The engine for a database URL (sqlite:///path or postgresql://...)."""
    scheme = make_url(url).get_backend_name()
    if scheme == "sqlite":
        return sqlite_engine(url)
    if scheme == "postgresql":
        return postgres_engine(url)
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite or postgresql")

"""Running units of work: each a function of one Transaction, executed off the event loop.

Two implementations, one per database:

- SQLite has one writer at a time and every commit waits for an fsync (synchronous=FULL, about
  1.4 ms on this machine kind: at most ~700 commits a second). `GroupCommitWriter` runs the units
  in one writer thread and commits the units that queued up meanwhile together, one savepoint
  each: still one durable commit before any of their answers is sent, but one fsync for many.
- PostgreSQL takes many writers at once (row locks serialize captures of one order); `PoolUnits`
  runs each unit in its own transaction on a thread of a bounded pool.

No library offers group commit for SQLAlchemy on SQLite, hence the writer thread here.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from capture_order.server.store.engines import BEGIN_MODE, POSTGRES_POOL, WriteLock
from capture_order.server.store.transaction import Transaction

T = TypeVar("T")
Unit = Callable[[Transaction], T]
# Units committed together at most: bounds how long the first of them waits for the last.
MAX_BATCH = 64
# PostgreSQL error classes a unit is retried for: serialization failure, deadlock.
RETRIED = ("40001", "40P01")


class UnitRunner(Protocol):
    """Runs units of work, each inside a committed (or rolled back) transaction."""

    async def run(self, unit: Unit[T]) -> T:
        """Run the unit off the event loop; its result once its transaction is committed."""
        ...

    def run_now(self, unit: Unit[T]) -> T:
        """Run the unit in the calling thread (tools, tests, start-up)."""
        ...

    def close(self) -> None:
        """Finish what is queued and stop."""
        ...


class _Pending:
    """A queued unit and where its result goes."""

    __slots__ = ("error", "future", "loop", "result", "unit")

    def __init__(self, unit: Unit[Any], loop: asyncio.AbstractEventLoop) -> None:
        self.unit = unit
        self.loop = loop
        self.future: asyncio.Future[Any] = loop.create_future()
        self.result: Any = None
        self.error: BaseException | None = None


def _settle(done: list[_Pending]) -> None:
    for pending in done:
        if pending.future.done():
            continue  # the awaiting request was cancelled (client gone); its unit still ran
        if pending.error is not None:
            pending.future.set_exception(pending.error)
        else:
            pending.future.set_result(pending.result)


class GroupCommitWriter:
    """SQLite: one writer thread; the units that queue up while it commits share the next commit."""

    def __init__(self, engine: Engine, lock: WriteLock) -> None:
        self.engine = engine
        self.lock = lock
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._started = threading.Lock()

    async def run(self, unit: Unit[T]) -> T:
        """Queue the unit for the writer; its result once the batch holding it is committed."""
        self._start()
        pending = _Pending(unit, asyncio.get_running_loop())
        self._queue.put(pending)
        result: T = await pending.future
        return result

    def _start(self) -> None:
        with self._started:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._write, name="capture-order-writer", daemon=True
                )
                self._thread.start()

    def _write(self) -> None:
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            while True:
                first = self._queue.get()
                if first is None:
                    return
                batch = [first]
                while len(batch) < MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # stop after this batch
                        break
                    batch.append(more)
                self._commit(conn, batch)
                by_loop: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}
                for pending in batch:
                    by_loop.setdefault(pending.loop, []).append(pending)
                for loop, done in by_loop.items():
                    if not loop.is_closed():
                        loop.call_soon_threadsafe(_settle, done)

    def _commit(self, conn: Connection, batch: list[_Pending]) -> None:
        with self.lock.held():
            try:
                with conn.begin():
                    if len(batch) == 1:
                        # Alone, the unit's failure is the transaction's: no savepoint needed.
                        batch[0].result = batch[0].unit(Transaction(conn))
                        return
                    # Savepoints straight on the driver: SQLAlchemy's cost more than a unit.
                    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                    for pending in batch:
                        cursor.execute("SAVEPOINT unit")
                        try:
                            pending.result = pending.unit(Transaction(conn))
                        except Exception as exc:
                            cursor.execute("ROLLBACK TO SAVEPOINT unit")
                            pending.error = exc
                        cursor.execute("RELEASE SAVEPOINT unit")
            except Exception as exc:
                # Nothing of the batch was committed: no unit may report success.
                for pending in batch:
                    pending.error = pending.error or exc
                    pending.result = None

    def run_now(self, unit: Unit[T]) -> T:
        """Run the unit in this thread, in its own transaction (for tools and tests)."""
        with self.lock.held(), self.engine.connect() as conn:
            conn = conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            with conn.begin():
                return unit(Transaction(conn))

    def close(self) -> None:
        """Finish the queued units and stop the writer thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None


class PoolUnits:
    """PostgreSQL: each unit in its own transaction, on at most POSTGRES_POOL threads at once."""

    def __init__(self, engine: Engine, threads: int = POSTGRES_POOL) -> None:
        self.engine = engine
        self._limiter = CapacityLimiter(threads)

    async def run(self, unit: Unit[T]) -> T:
        """Run the unit on a pool thread; its result once committed."""
        return await anyio.to_thread.run_sync(self.run_now, unit, limiter=self._limiter)

    def run_now(self, unit: Unit[T]) -> T:
        """Run the unit here, retrying it when PostgreSQL reports a serialization conflict."""
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    return unit(Transaction(conn))
            except DBAPIError as exc:
                state = getattr(exc.orig, "sqlstate", None)
                if state not in RETRIED or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Nothing queued outlives a request here."""

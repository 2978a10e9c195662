"""`serve --sandbox` at start-up, before any worker: the admin token and a fresh sandbox.

What it prints is `capture_order.server.commands.banner.sandbox_text`.

Run once in the serving process, so that every worker finds the same token hash, no armed
fault, the real time and the seeded state copied aside.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete

from capture_order.server.sandbox import tables as t
from capture_order.server.sandbox.clock import write_offset
from capture_order.server.sandbox.events import EventRecord, clear, record
from capture_order.server.sandbox.runtime import admin_token_hash
from capture_order.server.sandbox.snapshot import take_snapshot
from capture_order.server.sandbox.state import ADMIN_TOKEN_HASH, write_value
from capture_order.server.store import Store, Transaction

TOKEN_ENV = "CAPTURE_ORDER_SANDBOX_TOKEN"
_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{16,512}$")


def admin_token(env: Mapping[str, str] | None = None) -> str:
    """The admin token: `CAPTURE_ORDER_SANDBOX_TOKEN` when set, else a new random one."""
    given = (os.environ if env is None else env).get(TOKEN_ENV, "")
    if not given:
        return secrets.token_urlsafe(24)
    if not _TOKEN.fullmatch(given):
        raise ValueError(f"{TOKEN_ENV} must be 16-512 characters of A-Z a-z 0-9 . _ ~ + / = -")
    return given


def prepare(store: Store, token: str, now: datetime) -> None:
    """A fresh sandbox in the store's database: its token, no faults, real time, a new seed."""
    t.metadata.create_all(store.engine)

    def unit(tx: Transaction) -> None:
        tx.conn.execute(delete(t.faults))
        clear(tx)
        write_offset(tx, timedelta(0))
        write_value(tx, ADMIN_TOKEN_HASH, admin_token_hash(token))
        take_snapshot(tx)
        record(
            tx, now, [EventRecord("sandbox.started", "sandbox started; this is the seeded state")]
        )

    store.write(unit)

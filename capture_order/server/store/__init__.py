"""Persistence behind one small interface: SQLite by default, PostgreSQL for several hosts."""

from __future__ import annotations

from capture_order.server.store.database import NewItem, NewOrder, Store
from capture_order.server.store.results import Claim, LoadedOrder, StoredKeyState
from capture_order.server.store.transaction import Transaction

__all__ = ["Claim", "LoadedOrder", "NewItem", "NewOrder", "Store", "StoredKeyState", "Transaction"]

"""Persistence behind one small interface: SQLite by default, PostgreSQL for several hosts."""

from __future__ import annotations

from server.store.database import NewItem, NewOrder, Store
from server.store.results import Claim, KeyState, LoadedOrder
from server.store.transaction import Transaction

__all__ = ["Claim", "KeyState", "LoadedOrder", "NewItem", "NewOrder", "Store", "Transaction"]

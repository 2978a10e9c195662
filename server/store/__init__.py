"""Persistence behind one small interface: SQLite by default, PostgreSQL for several hosts."""

from __future__ import annotations

from server.store.results import Captured, KeyState, Outcome, Render, StoredResponse
from server.store.sql import NewItem, Store

__all__ = ["Captured", "KeyState", "NewItem", "Outcome", "Render", "Store", "StoredResponse"]

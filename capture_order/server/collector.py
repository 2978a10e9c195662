"""Python's garbage collector in a long-running server: the start-up heap is frozen.

Measured under load (64 connections, one worker): each full collection walked the whole heap that
start-up had built (the parsed spec, Connexion's, jsonschema's and SQLAlchemy's objects: about
90,000 objects that never die) and paused the process for 30-65 ms, about twice a second: the
objects of the requests in flight survive the young generations and so trigger full collections.
Every request in flight waited out the pause; those pauses were the p99. `gc.freeze()` after
start-up, before serving (its documented use), moves that heap out of the collector's sight, and
a larger first generation lets a request's short-lived objects die before they are promoted.
docs/performance.md has the figures before and after.
"""

from __future__ import annotations

import gc

# Allocations between young collections (Python's default is 700); the older two as measured.
THRESHOLDS = (20_000, 20, 100)


def freeze_startup_heap() -> None:
    """Collect what start-up left for garbage, then exempt everything alive from collection."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

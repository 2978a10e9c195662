"""Scenarios, one module per area: each sends requests and names the cases it exercises.

Importing this package registers them all. None judges an answer: the judge does.
"""

from __future__ import annotations

from capture_order.conformance.scenarios import (  # noqa: F401  (imported to register them)
    auth,
    bodies,
    capture,
    channel_isolation,
    concurrency,
    conflicts,
    idempotency,
    lookup,
    precedence,
    request_handling,
)

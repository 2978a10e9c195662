"""Semantic checks, one module per area; importing this package registers them all."""

from __future__ import annotations

from capture_order.conformance.checks import (  # noqa: F401  (imported to register the checks)
    auth,
    bodies,
    capture,
    concurrency,
    conflicts,
    idempotency,
    isolation,
    lookup,
    precedence,
    requests,
)

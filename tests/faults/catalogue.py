"""The faults themselves: importing this module registers every one of them."""

from __future__ import annotations

from tests.faults import (  # noqa: F401  (imported to register the faults)
    auth_faults,
    body_faults,
    clause_faults,
    facts_faults,
    http_faults,
    idempotency_faults,
    request_faults,
    schema_faults,
    state_faults,
)

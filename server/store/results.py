"""Values the store hands back to the HTTP layer."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from server.domain.capture import Capture
from server.domain.errors import CaptureError


@dataclass(frozen=True)
class StoredResponse:
    """A response as sent and as kept for idempotent replay."""

    status: int
    body: str


@dataclass(frozen=True)
class Captured:
    """A committed capture: the order row after it (every seed field) and what was taken."""

    order: Mapping[str, Any]
    capture: Capture


class KeyState(enum.Enum):
    """How an Idempotency-Key stands when a request arrives with it."""

    STARTED = "started"  # first use: execute the request
    IN_PROGRESS = "in_progress"  # the first request is still running
    REUSED = "reused"  # used before with another body


Outcome = Captured | CaptureError
Render = Callable[[Outcome], StoredResponse]

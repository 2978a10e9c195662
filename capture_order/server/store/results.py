"""Values the store hands back: a loaded order, and how an Idempotency-Key stands."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from capture_order.server.answers import Answer
from capture_order.server.domain.orders import Order


@dataclass(frozen=True)
class LoadedOrder:
    """An order as stored (every column, for the answer) and as the capture rules see it."""

    row: Mapping[str, Any]
    order: Order


class KeyState(enum.Enum):
    """How an Idempotency-Key stands when a request arrives with it (unless it is a replay)."""

    STARTED = "started"  # first use: execute the request
    IN_PROGRESS = "in_progress"  # the first request is still running
    REUSED = "reused"  # used before with another body


Claim = KeyState | Answer  # an Answer: the stored answer to replay

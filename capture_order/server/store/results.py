"""Values the store hands back: a loaded order, and how an Idempotency-Key stands."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from capture_order.server.answering import ServerAnswer
from capture_order.server.domain.order_model import Order


@dataclass(frozen=True)
class LoadedOrder:
    """An order as stored (every column, for the answer) and as the capture rules see it."""

    row: Mapping[str, Any]
    order: Order


class StoredKeyState(enum.Enum):
    """How an Idempotency-Key stands when a request arrives with it (unless it is a replay)."""

    STARTED = "started"  # first use: execute the request
    IN_PROGRESS = "in_progress"  # the first request is still running
    REUSED = "reused"  # used before with another body


Claim = StoredKeyState | ServerAnswer  # an ServerAnswer: the stored answer to replay

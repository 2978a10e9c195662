"""What a request needs from the running app, carried in the ASGI scope."""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.settings import Settings
from server.store import Store, StoredResponse

SCOPE_KEY = "capture_order.services"
LOG_KEY = "capture_order.log"


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """The store, the settings and the clock of one app."""

    store: Store
    settings: Settings
    clock: Callable[[], datetime] = utc_now


def services_of(scope: MutableMapping[str, Any]) -> Services:
    """The app's services, placed in the scope by the outermost middleware."""
    services = scope[SCOPE_KEY]
    assert isinstance(services, Services)
    return services


def log_fields(scope: MutableMapping[str, Any]) -> dict[str, Any]:
    """The per-request dict the handler fills for the access log line."""
    fields = scope.setdefault(LOG_KEY, {})
    assert isinstance(fields, dict)
    return fields


def note_capture(
    scope: MutableMapping[str, Any], order: str, outcome: StoredResponse | str, *, replayed: bool
) -> None:
    """Record the order number and the outcome (capture state or error code) for the log."""
    if isinstance(outcome, StoredResponse):
        document = json.loads(outcome.body)
        outcome = document["capture_state"] if outcome.status == 200 else document["code"]
    fields = log_fields(scope)
    fields["order"] = order[:128]
    fields["result"] = f"replayed:{outcome}" if replayed else outcome

"""What a request needs from the running app, carried in the ASGI scope."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from server.settings import Settings
from server.store import Store

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

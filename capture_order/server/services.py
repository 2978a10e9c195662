"""What a request needs from the running app, made at start-up and found in the ASGI scope."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from capture_order.server.capture_service import CaptureService
from capture_order.server.collector import freeze_startup_heap
from capture_order.server.server_settings import ServerSettings
from capture_order.server.store import Store
from capture_order.server.token_cache import Tokens

# Where the app's lifespan puts the services (Starlette copies lifespan state into each scope).
STATE_KEY = "services"
LOG_KEY = "capture_order.log"


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """The store, the settings, the clock, the token lookup and the capture service of one app."""

    store: Store
    settings: ServerSettings
    clock: Callable[[], datetime]
    tokens: Tokens
    capture: CaptureService

    @classmethod
    def start(cls, settings: ServerSettings, clock: Callable[[], datetime] = utc_now) -> Services:
        """Open the store and build the services on it."""
        store = Store.open(settings.database_url)
        store.purge_idempotent(clock() - settings.idempotency_retention)
        capture = CaptureService(store, clock, settings.idempotency_retention)
        return cls(store, settings, clock, Tokens(store), capture)

    def close(self) -> None:
        """Finish queued work and close the store."""
        self.store.close()


def serving_start(settings: ServerSettings, clock: Callable[[], datetime] = utc_now) -> Services:
    """The services of a serving process, then its start-up heap frozen (`server.collector`).

    Not for tests: they build many apps in one interpreter and keep their collector as it is.
    """
    services = Services.start(settings, clock)
    freeze_startup_heap()
    return services


def services_of(scope: MutableMapping[str, Any]) -> Services:
    """The app's services, from the lifespan state copied into the request's scope."""
    services = scope["state"][STATE_KEY]
    assert isinstance(services, Services)
    return services


def log_fields(scope: MutableMapping[str, Any]) -> dict[str, Any]:
    """The per-request dict the handler fills for the access log line."""
    fields = scope.setdefault(LOG_KEY, {})
    assert isinstance(fields, dict)
    return fields

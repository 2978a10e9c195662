"""The Connexion app: the spec, strict validation, the spec's problems for every error."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from connexion import AsyncApp
from connexion.datastructures import MediaTypeDict
from connexion.jsonifier import Jsonifier
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver

from contract.spec import load_spec
from server import api, wire
from server.middleware import BodyLimitMiddleware, RequestContextMiddleware
from server.paths import ExactPathMiddleware
from server.problems import ERROR_HANDLERS, handle_unexpected
from server.security import TokenSecurityHandler
from server.services import Services, utc_now
from server.settings import Settings
from server.store import Store
from server.validation import JsonBodyValidator, StrictParameterValidator

HANDLERS: dict[str, Callable[..., Any]] = {"captureOrder": api.captureOrder}

VALIDATOR_MAP = {
    "parameter": StrictParameterValidator,
    "body": MediaTypeDict({"*/*json": JsonBodyValidator}),
}


class ExactJsonifier(Jsonifier):  # type: ignore[misc]
    """Connexion's serializer, writing Decimals as exact numbers."""

    def dumps(self, data: Any, **_kwargs: Any) -> str:
        return wire.dumps(data)


def _resolve(operation_id: str) -> Callable[..., Any]:
    return HANDLERS[operation_id]


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> AsyncApp:
    """The reference server as an ASGI app."""
    store = Store.open(settings.database_url)
    store.purge_idempotent(clock() - settings.idempotency_retention)
    services = Services(store, settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        store.close()

    app = AsyncApp(__name__, jsonifier=ExactJsonifier(), lifespan=lifespan)
    # Both sit outside Connexion's exception middleware; the later one is inner.
    app.add_middleware(
        RequestContextMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, services=services
    )
    app.add_middleware(ExactPathMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(
        BodyLimitMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        limit=settings.max_body_bytes,
    )
    app.add_api(
        # Connexion may annotate the document it is given; the shared parse stays untouched.
        copy.deepcopy(load_spec()),
        resolver=Resolver(function_resolver=_resolve),
        # The contract names no code: the token check is attached here, not in the YAML.
        security_map={"apiKey": TokenSecurityHandler},
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=VALIDATOR_MAP,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
    )
    for exception_class, handler in ERROR_HANDLERS:
        app.add_error_handler(exception_class, handler)
    app.add_error_handler(Exception, handle_unexpected)
    return app


def app_from_env() -> AsyncApp:
    """Factory for uvicorn worker processes: settings from `CAPTURE_ORDER_*` variables."""
    from server.logs import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return create_app(settings)

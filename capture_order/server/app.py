"""The server: Connexion's middleware (routing by the spec, security, strict validation, problems)
around a Starlette router that hands each operation to its handler, named by operationId.

Connexion's own AsyncApp calls a handler through per-request decorators (it re-inspects the
handler's signature three times per request and wraps its answer again); as middleware, Connexion
does everything the spec says and the router calls the handler directly: a third less CPU per
capture (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from connexion import ConnexionMiddleware
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import ProblemException
from connexion.jsonifier import Jsonifier
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from capture_order.contract.spec import base_path, load_spec
from capture_order.server import api, wire
from capture_order.server.middleware import AccessLogMiddleware, BodyLimitMiddleware
from capture_order.server.paths import ExactPathMiddleware
from capture_order.server.problem_types import CAPTURE_PROBLEMS
from capture_order.server.problems import error_handlers
from capture_order.server.request_validation import JsonBodyValidator, StrictParameterValidator
from capture_order.server.security import TokenSecurityHandler
from capture_order.server.server_settings import ServerSettings
from capture_order.server.services import STATE_KEY, Services, utc_now

HANDLERS: dict[str, Callable[..., Any]] = {"captureOrder": api.captureOrder}

VALIDATOR_MAP = {
    "parameter": StrictParameterValidator,
    "body": MediaTypeDict({"*/*json": JsonBodyValidator}),
}


class ExactJsonifier(Jsonifier):  # type: ignore[misc]
    """Connexion's serializer, writing Decimals as exact numbers."""

    def dumps(self, data: Any, **_kwargs: Any) -> str:
        return wire.dumps(data).decode("utf-8")


def _resolve(operation_id: str) -> Callable[..., Any]:
    return HANDLERS[operation_id]


async def nothing_here(scope: Scope, receive: Receive, send: Send) -> None:
    # Outside the spec's paths: a 404 problem from the exception handlers, like any other.
    raise ProblemException(status=404, title="Not found")


def routes() -> list[Route]:
    """One route per operation of the spec, to the handler its operationId names."""
    spec = load_spec()
    prefix = base_path(spec)
    return [
        Route(prefix + path, HANDLERS[operation["operationId"]], methods=[method.upper()])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]


def create_app(
    settings: ServerSettings,
    *,
    clock: Callable[[], datetime] = utc_now,
    start: Callable[[ServerSettings, Callable[[], datetime]], Services] = Services.start,
) -> ConnexionMiddleware:
    """The reference server as an ASGI app; its services start (`start`) and stop with its
    lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[dict[str, Services]]:
        services = start(settings, clock)
        try:
            yield {STATE_KEY: services}
        finally:
            services.close()

    app = ConnexionMiddleware(
        Router(routes(), default=nothing_here),
        import_name=__name__,
        jsonifier=ExactJsonifier(),
        lifespan=lifespan,
    )
    # All sit outside Connexion's exception middleware; a later one is inner.
    app.add_middleware(AccessLogMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
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
    for exception_class, handler in error_handlers(CAPTURE_PROBLEMS):
        app.add_error_handler(exception_class, handler)
    return app

"""The control API, served by Connexion from `openapi/sandbox.yaml` as the capture API is served.

Connexion routes each request by the document and checks its parameters and body with the
server's validators; a Starlette router hands each operation to its handler, named by
operationId, with the parameters and the parsed body (`Call`). Every error is a problem of the
sandbox's table (`control_problems`), built by the server's one builder. The guard in front
answers the client address (403) and then the admin token (401) first, for every path, in the
order of rules the document states.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connexion import ConnexionMiddleware
from connexion.datastructures import MediaTypeDict
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from capture_order.contract.spec import resolve
from capture_order.contract.validation import FORMATS
from capture_order.server import wire
from capture_order.server.answering import ServerAnswer, problem_answer
from capture_order.server.app import ExactJsonifier, nothing_here
from capture_order.server.middleware import BodyLimitMiddleware
from capture_order.server.problems import error_handlers
from capture_order.server.request_validation import (
    JsonBodyValidator,
    StrictParameterValidator,
    validated_body,
)
from capture_order.server.sandbox.control_problems import SANDBOX_PROBLEMS, ControlProblem
from capture_order.server.sandbox.control_spec import prefix, sandbox_spec
from capture_order.server.sandbox.runtime import SandboxRuntime
from capture_order.server.server_settings import ServerSettings


@dataclass(frozen=True)
class Call:
    """A checked control request as its handler gets it."""

    sandbox: SandboxRuntime
    params: Mapping[str, Any]
    body: Any


Handler = Callable[[Call], Awaitable[Response]]


def json_response(document: Any, status: int = 200) -> Response:
    """A JSON answer, decimals exact."""
    return Response(wire.dumps(document), status, media_type="application/json")


class ControlBodyValidator(JsonBodyValidator):
    """The server's body validator, reading amounts as exact decimals and checking formats."""

    parse_float = Decimal
    format_checker = FORMATS


class ControlParameterValidator(StrictParameterValidator):
    """The server's parameter validator, checking OpenAPI's formats too (int64's range)."""

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        error: str | None = StrictParameterValidator.validate_parameter(
            parameter_type, value, param, param_name
        )
        schema = param.get("schema", param)
        if (
            error is None
            and value is not None
            and not FORMATS.conforms(value, schema.get("format"))
        ):
            error = f"{str(value)[:40]!r} is not a {schema['format']}"
        return error


INTEGER = re.compile(r"^-?[0-9]+$")
VALIDATOR_MAP = {
    "parameter": ControlParameterValidator,
    "body": MediaTypeDict({"*/*json": ControlBodyValidator}),
}


@dataclass(frozen=True)
class _Parameter:
    name: str
    in_path: bool
    integer: bool


def _endpoint(
    handler: Handler,
    parameters: tuple[_Parameter, ...],
    has_body: bool,
    sandbox: Callable[[], SandboxRuntime],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        # Connexion has checked every parameter against its schema: only the types are left.
        params: dict[str, Any] = {}
        for p in parameters:
            raw = (request.path_params if p.in_path else request.query_params).get(p.name)
            if raw is None:
                continue
            if p.integer and not INTEGER.fullmatch(raw):
                # Connexion routes an integer path parameter only when it is digits: any other
                # segment reaches this route unchecked, and it is the parameter that is wrong.
                wrong = {p.name: [f"{raw[:40]!r} is not an integer."]}
                raise ControlProblem(
                    "invalid_request", "The request's parameters are invalid.", wrong
                )
            params[p.name] = int(raw) if p.integer else raw
        # An operation without a requestBody ignores whatever body came.
        body = validated_body(request.scope) if has_body else None
        return await handler(Call(sandbox(), params, body))

    return endpoint


def routes(handlers: Mapping[str, Handler], sandbox: Callable[[], SandboxRuntime]) -> list[Route]:
    """One route per path of the document (a 405 names all its methods), each operation to the
    handler its operationId names."""
    spec = sandbox_spec()
    found = []
    for path, item in spec["paths"].items():
        by_method = {}
        for method, operation in item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            parameters = []
            for raw in operation.get("parameters", []):
                param = resolve(spec, raw)
                schema = resolve(spec, param["schema"])
                parameters.append(
                    _Parameter(param["name"], param["in"] == "path", schema["type"] == "integer")
                )
            handler = handlers[operation["operationId"]]
            has_body = "requestBody" in operation
            by_method[method.upper()] = _endpoint(handler, tuple(parameters), has_body, sandbox)
        found.append(Route(prefix() + path, _by_method(by_method), methods=list(by_method)))
    return found


def _by_method(
    endpoints: Mapping[str, Callable[[Request], Awaitable[Response]]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await endpoints["GET" if request.method == "HEAD" else request.method](request)

    return endpoint


class Guard:
    """Client address, then admin token, then the method: before anything else of a request.

    Connexion routes each operation on its own, so its 405 would name one method of the path;
    the router's route of the path holds all of them.
    """

    def __init__(
        self, app: ASGIApp, routes: list[Route], sandbox: Callable[[], SandboxRuntime]
    ) -> None:
        self.app = app
        self.routes = routes
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused = self.sandbox().refusal(scope)
        if refused is not None:
            answer = problem_answer(refused.code, refused.detail, refused.errors, SANDBOX_PROBLEMS)
            await _send(answer, {}, scope, receive, send)
            return
        for route in self.routes:
            if route.matches(scope)[0] is Match.PARTIAL:
                allow = {"Allow": ", ".join(sorted(route.methods or ()))}
                answer = problem_answer("method_not_allowed", problems=SANDBOX_PROBLEMS)
                await _send(answer, allow, scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _send(
    answer: ServerAnswer, headers: Mapping[str, str], scope: Scope, receive: Receive, send: Send
) -> None:
    response = Response(
        answer.body, answer.status, {**headers, **answer.headers()}, answer.media_type
    )
    await response(scope, receive, send)


def control_app(
    settings: ServerSettings, handlers: Mapping[str, Handler], sandbox: Callable[[], SandboxRuntime]
) -> ASGIApp:
    """The control API: the guard, then Connexion around one route per operation."""
    operations = routes(handlers, sandbox)
    app = ConnexionMiddleware(
        Router(operations, default=nothing_here),
        import_name=__name__,
        jsonifier=ExactJsonifier(),
    )
    app.add_middleware(
        BodyLimitMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        limit=settings.max_body_bytes,
        problems=SANDBOX_PROBLEMS,
    )
    document = copy.deepcopy(sandbox_spec())
    # The guard has checked the admin token of every request, before its path was known.
    document.pop("security", None)
    app.add_api(
        document,
        resolver=Resolver(function_resolver=lambda operation_id: handlers[operation_id]),
        strict_validation=True,
        validator_map=VALIDATOR_MAP,
        swagger_ui_options=SwaggerUIOptions(serve_spec=False, swagger_ui=False),
    )
    for exception_class, handler in error_handlers(SANDBOX_PROBLEMS):
        app.add_error_handler(exception_class, handler)
    return Guard(app, operations, sandbox)

"""The control API over HTTP: its routes from the document, and each request checked against it.

Every operation of `openapi/sandbox.yaml` gets a route to the handler its operationId names; a
request reaches the handler with its parameters and body validated by the document's schemas
(`contract.validation.Judge`), or is answered with the problem of the first rule it breaks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from capture_order.contract.facts import request_limits
from capture_order.contract.spec import pointer, resolve
from capture_order.contract.validation import field_path
from capture_order.server import wire
from capture_order.server.sandbox.problems import ControlError, problem_response
from capture_order.server.sandbox.runtime import Sandbox
from capture_order.server.sandbox.spec import prefix, sandbox_judge, sandbox_spec

MAX_BODY_BYTES = request_limits().body_bytes
METHODS = ("get", "put", "post", "delete", "patch")
INTEGER = re.compile(r"^-?[0-9]{1,19}$")
MESSAGE_LIMIT = 200  # characters of one validation message (they quote the value)


@dataclass(frozen=True)
class Parameter:
    """A path or query parameter and where its schema is."""

    name: str
    where: str  # path | query
    schema_at: str
    integer: bool
    required: bool


@dataclass(frozen=True)
class Operation:
    """One operation of the document: what a request of it may carry."""

    operation_id: str
    parameters: tuple[Parameter, ...]
    body_schema_at: str | None  # a JSON pointer, for operations with a body


@dataclass(frozen=True)
class Call:
    """A checked control request as its handler gets it."""

    sandbox: Sandbox
    params: Mapping[str, Any]
    body: Any


Handler = Callable[[Call], Awaitable[Response]]


def json_response(document: Any, status: int = 200) -> Response:
    """A JSON answer, decimals exact."""
    return Response(wire.dumps(document), status, media_type="application/json")


def operations() -> dict[str, dict[str, Operation]]:
    """Path -> method -> operation, from the document."""
    spec = sandbox_spec()
    found: dict[str, dict[str, Operation]] = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            at = pointer("paths", path, method)
            params = []
            for index, raw in enumerate(op.get("parameters", [])):
                ref = raw.get("$ref")
                param_at = ref.removeprefix("#") if ref else f"{at}/parameters/{index}"
                param = resolve(spec, raw)
                schema = resolve(spec, param["schema"])
                params.append(
                    Parameter(
                        param["name"],
                        param["in"],
                        f"{param_at}/schema",
                        schema.get("type") == "integer",
                        bool(param.get("required")),
                    )
                )
            body = op.get("requestBody")
            body_at = None
            if body is not None:
                schema = body["content"]["application/json"]["schema"]
                body_at = schema["$ref"].removeprefix("#")
            found.setdefault(path, {})[method.upper()] = Operation(
                op["operationId"], tuple(params), body_at
            )
    return found


def _errors(at: str, instance: Any, field: str | None = None) -> dict[str, list[str]]:
    wrong: dict[str, list[str]] = {}
    for error in sandbox_judge().iter_errors(at, instance):
        name = field or field_path(error.absolute_path)
        wrong.setdefault(name, []).append(error.message[:MESSAGE_LIMIT])
    return wrong


def _parameters(op: Operation, request: Request) -> dict[str, Any]:
    known = {p.name for p in op.parameters if p.where == "query"}
    unknown = sorted(set(request.query_params) - known)
    wrong: dict[str, list[str]] = {name: ["Unknown parameter."] for name in unknown}
    values: dict[str, Any] = {}
    for param in op.parameters:
        source = request.path_params if param.where == "path" else request.query_params
        if param.where == "query" and len(request.query_params.getlist(param.name)) > 1:
            wrong[param.name] = ["Given more than once."]
            continue
        raw = source.get(param.name)
        if raw is None:
            if param.required:
                wrong[param.name] = ["This parameter is required."]
            continue
        value: Any = raw
        if param.integer:
            if not INTEGER.fullmatch(raw):
                wrong[param.name] = [f"{raw[:40]!r} is not an integer"]
                continue
            value = int(raw)
        wrong.update(_errors(param.schema_at, value, param.name))
        values[param.name] = value
    if wrong:
        raise ControlError("invalid_request", "The request's parameters are invalid.", wrong)
    return values


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def _body(op: Operation, request: Request) -> Any:
    assert op.body_schema_at is not None
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ControlError("unsupported_media_type")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ControlError("request_too_large")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise ControlError("request_too_large")
    try:
        body = json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ControlError("malformed_json") from None
    wrong = _errors(op.body_schema_at, body)
    if wrong:
        name = op.body_schema_at.rsplit("/", 1)[-1]
        raise ControlError(
            "invalid_request", f"The request does not match the {name} schema.", wrong
        )
    return body


def _endpoint(
    by_method: dict[str, Operation], handlers: Mapping[str, Handler], sandbox: Callable[[], Sandbox]
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        op = by_method[method]
        try:
            params = _parameters(op, request)
            body = None if op.body_schema_at is None else await _body(op, request)
            return await handlers[op.operation_id](Call(sandbox(), params, body))
        except ControlError as problem:
            return problem_response(problem)

    return endpoint


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "internal_error")
    return problem_response(ControlError(code, headers=exc.headers))


async def _unexpected(_request: Request, _exc: Exception) -> Response:
    return problem_response(ControlError("internal_error"))


class Guard:
    """Client address, then admin token: checked before anything else of a control request."""

    def __init__(self, app: ASGIApp, sandbox: Callable[[], Sandbox]) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused = self.sandbox().refusal(scope)
        if refused is None:
            await self.app(scope, receive, send)
        else:
            await problem_response(refused)(scope, receive, send)


def control_app(handlers: Mapping[str, Handler], sandbox: Callable[[], Sandbox]) -> ASGIApp:
    """The control API: the guard, then one route per path of the document."""
    base = prefix()
    routes = [
        Route(base + path, _endpoint(by_method, handlers, sandbox), methods=list(by_method))
        for path, by_method in operations().items()
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _unexpected},
    )
    return Guard(app, sandbox)

"""Request validators for Connexion that answer with the spec's problems, field by field."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jsonschema_rs
from connexion.json_schema import Draft4RequestValidator
from connexion.validators import AbstractRequestBodyValidator, ParameterValidator
from jsonschema import Draft4Validator, ValidationError  # type: ignore[import-untyped,unused-ignore]
from starlette.datastructures import Headers
from starlette.types import Receive, Scope

from capture_order.contract.facts import request_limits
from capture_order.server.problems import ApiProblem

_LIMITS = request_limits()
KEY_RULE = f"{_LIMITS.key_min}-{_LIMITS.key_max} printable ASCII characters"
IDEMPOTENCY_KEY_MESSAGE = f"Must be {KEY_RULE}."
# Where the body validator leaves the parsed body for the handler (it is parsed once).
BODY_KEY = "capture_order.body"
REPEATED_KEY_MESSAGE = "Must be sent once."
# Upstream's (DRF's) name for an error of the body as a whole (CO-REQ-04).
ROOT_FIELD = "non_field_errors"
_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
}


def field_path(path: Iterable[str | int]) -> str:
    """A JSON path as in `errors`: `order_items[0].pk`; the whole body is `non_field_errors`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or ROOT_FIELD


def _messages(error: ValidationError) -> Iterable[tuple[str, str]]:
    """(field path, message) pairs for one schema violation, in the words of upstream."""
    path = list(error.absolute_path)
    kind, instance = error.validator, error.instance
    limit: Any = error.validator_value
    schema: Any = error.schema
    if kind == "required" and isinstance(instance, Mapping):
        for name in limit:
            if name not in instance:
                yield field_path([*path, name]), "This field is required."
    elif kind == "additionalProperties" and isinstance(instance, Mapping):
        known = schema.get("properties", {})
        for name in instance:
            if name not in known:
                yield field_path([*path, str(name)]), "Unknown field."
    elif kind == "type":
        yield field_path(path), f"Must be {_TYPE_NAMES.get(str(limit), str(limit))}."
    elif kind == "minLength":
        yield field_path(path), f"Must be at least {limit} characters long."
    elif kind == "maxLength":
        yield field_path(path), f"Must be at most {limit} characters long."
    elif kind == "minimum":
        yield field_path(path), f"Must be at least {limit}."
    elif kind == "maximum":
        yield field_path(path), f"Must be at most {limit}."
    elif kind == "minItems":
        yield field_path(path), f"Must have at least {limit} entries."
    elif kind == "maxItems" or kind == "maxProperties":
        yield field_path(path), f"Must have at most {limit} entries."
    elif kind == "pattern":
        yield field_path(path), "Must not contain control characters."
    elif kind == "oneOf":
        yield field_path(path), "Must be a string of at most 1024 characters or a boolean."
    else:
        yield field_path(path), "Is invalid."


def schema_errors(validator: Draft4Validator, body: Any) -> dict[str, list[str]]:
    """Every schema violation of the body, by field path."""
    found: dict[str, list[str]] = {}
    for error in validator.iter_errors(body):
        for field, message in _messages(error):
            if message not in found.setdefault(field, []):
                found[field].append(message)
    return found


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class DuplicateMemberError(ValueError):
    """An object names a member twice: not I-JSON (RFC 7493), refused (CO-REQ-03)."""


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise DuplicateMemberError(name)
        found[name] = value
    return found


def parse_json(raw: bytes, parse_float: Callable[[str], Any] = float) -> Any:
    """The body as JSON, or a 400 `malformed_json` problem (CO-REQ-03)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiProblem("malformed_json", "The request body is not valid UTF-8.") from None
    if not text.strip():
        raise ApiProblem("malformed_json", "The request body is empty; send a JSON object.")
    try:
        body = json.loads(
            text,
            parse_float=parse_float,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_members,
        )
        # Escaped lone surrogates parse but are no Unicode text; nothing could store them.
        json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
    except json.JSONDecodeError as exc:
        raise ApiProblem(
            "malformed_json",
            f"The request body is not well-formed JSON ({exc.msg} at line {exc.lineno} "
            f"column {exc.colno}).",
        ) from None
    except RecursionError:
        raise ApiProblem("malformed_json", "The request body is nested too deeply.") from None
    except DuplicateMemberError as exc:
        raise ApiProblem(
            "malformed_json", f"The request body names the member {str(exc)[:64]!r} twice."
        ) from None
    except (ValueError, UnicodeEncodeError):
        raise ApiProblem(
            "malformed_json", "The request body holds a value JSON text cannot carry here."
        ) from None
    return body


class JsonBodyValidator(AbstractRequestBodyValidator):  # type: ignore[misc]
    """Reads the whole body (streamed or not), parses it strictly and reports every bad field."""

    # How a JSON number with a fraction is read (the control API reads amounts exactly).
    parse_float: Callable[[str], Any] = float
    # The formats checked, if any (the control API's clock takes date-times).
    format_checker: Any = None

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        # Without a Content-Type the body is not declared JSON (CO-REQ-01).
        if "content-type" not in Headers(scope=scope):
            raise ApiProblem("unsupported_media_type")
        messages: deque[Any] = deque()
        chunks: list[bytes] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = parse_json(b"".join(chunks), type(self).parse_float)
        if self.format_checker is not None or not _fast_valid(self._schema, body):
            # Only a body the compiled validator refuses pays for the words of every error.
            validator = Draft4RequestValidator(self._schema, format_checker=self.format_checker)
            try:
                errors = schema_errors(validator, body)
            except RecursionError:
                raise ApiProblem(
                    "malformed_json", "The request body is nested too deeply."
                ) from None
            if errors:
                raise ApiProblem("invalid_request", None, errors)
        scope[BODY_KEY] = body
        return self._insert_messages(receive, messages=messages), scope


# Compiled validators by the schema they were built from (Connexion builds a body validator per
# request; the schema object is the operation's, built once).
_COMPILED: dict[int, tuple[Any, jsonschema_rs.Draft4Validator]] = {}


def _fast_valid(schema: Any, body: Any) -> bool:
    """Whether the compiled (jsonschema-rs) validator accepts the body; False when unsure."""
    entry = _COMPILED.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, jsonschema_rs.Draft4Validator(schema, validate_formats=False))
        _COMPILED[id(schema)] = entry
    try:
        return bool(entry[1].is_valid(body))
    except Exception:  # values it cannot take (huge integers, ...): let jsonschema judge
        return False


def validated_body(scope: Scope) -> Any:
    """The request body as the body validator parsed and accepted it."""
    return scope[BODY_KEY]


class StrictParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Header, path and query validation with `errors` naming each parameter (CO-REQ-07)."""

    def validate_request(self, request: Any) -> None:
        errors: dict[str, list[str]] = {}
        for param in self.parameters.get("header", []):
            # Two field lines of a header that is no list: which one counts? (CO-REQ-07)
            if len(request.headers.getlist(param["name"])) > 1:
                errors[param["name"]] = [REPEATED_KEY_MESSAGE]
        if errors:
            detail = f"The {', '.join(errors)} header must be sent once."
            raise ApiProblem("invalid_request", detail, errors)
        # Without a query string there is no unknown query parameter to find.
        if self.strict_validation and request.scope.get("query_string"):
            for name in self.validate_query_parameter_list(request, self.security_query_params):
                errors[name] = ["Unknown query parameter."]
        for location, lookup in (
            ("header", request.headers),
            ("path", request.path_params),
            ("query", request.query_params),
            ("cookie", request.cookies),
        ):
            for param in self.parameters.get(location, []):
                value = lookup.get(param["name"])
                if value is None and not param.get("required"):
                    continue  # an absent optional parameter breaks no schema
                if self.validate_parameter(location, value, param):
                    errors[param["name"]] = [
                        IDEMPOTENCY_KEY_MESSAGE
                        if param["name"] == "Idempotency-Key"
                        else "Is invalid."
                    ]
        if list(errors) == ["Idempotency-Key"]:
            raise ApiProblem(
                "invalid_request",
                f"The Idempotency-Key header must be {KEY_RULE}.",
                errors,
            )
        if errors:
            raise ApiProblem("invalid_request", None, errors)

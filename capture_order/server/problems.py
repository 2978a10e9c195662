"""Connexion's errors as the spec's problems: the exception for them, and the error handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import ClassVar

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from capture_order.server.answering import ServerAnswer, problem_answer
from capture_order.server.problem_types import CAPTURE_PROBLEMS, ProblemTable
from capture_order.server.services import log_fields

logger = logging.getLogger("capture_order.errors")
Handler = Callable[[ConnexionRequest, Exception], ConnexionResponse]


class ApiProblem(ProblemException):  # type: ignore[misc]
    """An error raised outside the handler (auth, validation, size) with its code.

    The API that answers it renders it with its own table (`error_handlers`): the validators
    raise the codes both APIs have (`invalid_request`, `malformed_json`, ...).
    """

    problems: ClassVar[ProblemTable] = CAPTURE_PROBLEMS

    def __init__(
        self,
        code: str,
        detail: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        kind = self.problems.types[code]
        super().__init__(status=kind.status, title=kind.title, detail=detail, headers=headers)
        self.code = code
        self.errors = dict(errors or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r})"


def connexion_response(
    answer: ServerAnswer, headers: Mapping[str, str] | None = None
) -> ConnexionResponse:
    """An answer as Connexion's exception middleware sends it (with headers of the error)."""
    return ConnexionResponse(
        status_code=answer.status,
        mimetype=answer.media_type,
        content_type=answer.media_type,
        body=answer.body,
        headers={**(headers or {}), **answer.headers()},
    )


def error_handlers(problems: ProblemTable) -> tuple[tuple[type[Exception], Handler], ...]:
    """Connexion's error handlers of an API: every error as a problem of its table."""

    def handle_http_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Every HTTP error raised by Connexion, Starlette or us, as the API's problem."""
        # The error's own headers go along (Starlette's Allow of a 405), under the table's.
        extra = getattr(exc, "headers", None) or {}
        if isinstance(exc, ApiProblem) and exc.code in problems.types:
            log_fields(request.scope)["result"] = exc.code
            answer = problem_answer(exc.code, exc.detail, exc.errors, problems)
            return connexion_response(answer, extra)
        status = getattr(exc, "status_code", 500)
        code = problems.status_codes.get(status)
        log_fields(request.scope)["result"] = code or "internal_error"
        if code is None:
            # Anything else (501 from a resolver, a response that broke the schema)
            # is our fault, never the client's; log what it was, without request data.
            logger.error("unexpected HTTP error %s: %s", status, type(exc).__name__)
            return connexion_response(problem_answer("internal_error", problems=problems))
        return connexion_response(problem_answer(code, problems=problems), extra)

    def handle_unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Any other exception: a 500 problem with no trace in the body; the log keeps it."""
        log_fields(request.scope)["result"] = "internal_error"
        logger.error("unhandled %s", type(exc).__name__, exc_info=exc)
        return connexion_response(problem_answer("internal_error", problems=problems))

    return (
        (ProblemException, handle_http_error),
        (HTTPException, handle_http_error),
        (Exception, handle_unexpected),
    )

"""Connexion's errors as the spec's problems: the exception for them, and the error handlers."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from capture_order.server.answers import Answer, problem_answer
from capture_order.server.problem_types import PROBLEM_TYPES, STATUS_CODES
from capture_order.server.services import log_fields

logger = logging.getLogger("capture_order.errors")


class ApiProblem(ProblemException):  # type: ignore[misc]
    """An error raised outside the handler (auth, validation, size) with its spec code."""

    def __init__(
        self,
        code: str,
        detail: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        kind = PROBLEM_TYPES[code]
        super().__init__(status=kind.status, title=kind.title, detail=detail)
        self.code = code
        self.errors = dict(errors or {})

    def __repr__(self) -> str:
        return f"ApiProblem({self.code!r})"


def connexion_response(answer: Answer) -> ConnexionResponse:
    """An answer as Connexion's exception middleware sends it."""
    return ConnexionResponse(
        status_code=answer.status,
        mimetype=answer.media_type,
        content_type=answer.media_type,
        body=answer.body,
        headers=answer.headers(),
    )


def handle_http_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Every HTTP error raised by Connexion, Starlette or us, as the spec's problem."""
    if isinstance(exc, ApiProblem):
        log_fields(request.scope)["result"] = exc.code
        return connexion_response(problem_answer(exc.code, exc.detail, exc.errors))
    status = getattr(exc, "status_code", 500)
    code = STATUS_CODES.get(status)
    log_fields(request.scope)["result"] = code or "internal_error"
    if code is None:
        # Anything else (501 from a resolver, a response that broke the schema)
        # is our fault, never the client's; log what it was, without request data.
        logger.error("unexpected HTTP error %s: %s", status, type(exc).__name__)
        return connexion_response(problem_answer("internal_error"))
    return connexion_response(problem_answer(code))


def handle_unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Any other exception: a 500 problem with no trace in the body; the log keeps the trace."""
    log_fields(request.scope)["result"] = "internal_error"
    logger.error("unhandled %s", type(exc).__name__, exc_info=exc)
    return connexion_response(problem_answer("internal_error"))


ERROR_HANDLERS = ((ProblemException, handle_http_error), (HTTPException, handle_http_error))

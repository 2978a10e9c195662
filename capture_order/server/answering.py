"""What the server answers: a status, a body written once, and what it was (code or state).

Every problem response is built here (`problem_answer`), by the handler, the error handlers and
the 413 middleware alike; a stored answer is replayed as it was written, never re-parsed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from capture_order.server import refusals, wire
from capture_order.server.domain.capture_errors import CaptureError
from capture_order.server.problem_types import CAPTURE_PROBLEMS, PROBLEM_MEDIA_TYPE, ProblemTable

JSON_MEDIA_TYPE = "application/json"
REPLAYED = ("Idempotent-Replayed", "true")


@dataclass(frozen=True)
class ServerAnswer:
    """A response as sent and as kept for replay."""

    status: int
    body: bytes
    outcome: str  # the problem code, or the capture state of a 200
    problems: ProblemTable = field(default=CAPTURE_PROBLEMS, compare=False, repr=False)

    @property
    def media_type(self) -> str:
        """application/json for the Order, problem+json for everything else."""
        return JSON_MEDIA_TYPE if self.status < 400 else PROBLEM_MEDIA_TYPE

    def headers(self, *, replayed: bool = False) -> dict[str, str]:
        """The headers beyond the body's: the problem's own, and the replay mark."""
        headers = self.problems.headers(self.outcome) if self.status >= 400 else {}
        if replayed:
            headers[REPLAYED[0]] = REPLAYED[1]
        return headers


def problem_answer(
    code: str,
    detail: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    problems: ProblemTable = CAPTURE_PROBLEMS,
) -> ServerAnswer:
    """The answer for an error code of an API's table: its problem document, written once."""
    document = problems.document(code, detail, errors)
    return ServerAnswer(document["status"], wire.dumps(document), code, problems)


def refusal_answer(error: CaptureError) -> ServerAnswer:
    """The answer to a capture the rules refuse, in the words of `refusals`."""
    return problem_answer(error.code, refusals.detail(error), refusals.field_errors(error))

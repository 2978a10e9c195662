"""Named faults: each a small transform of the requests and responses passing the proxy."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from capture_order.contract.catalogue import requirements

# Requirement levels from the spec's catalogue: SHOULD faults are expected as WARN with exit 0.
LEVELS = {r.id: r.level for r in requirements()}


@dataclass
class Message:
    """An HTTP request or response as the proxy sees it (mutable: faults edit it)."""

    method: str = ""
    path: str = ""
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    started: float = field(default_factory=time.monotonic)

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def set_header(self, name: str, value: str | None) -> None:
        """Replace (or remove, with None) a header."""
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        if value is not None:
            self.headers.append((name, value))

    def json(self) -> Any:
        """The body as JSON (numbers with a fraction as Decimal), or None."""
        try:
            return json.loads(self.body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError, RecursionError, ArithmeticError):
            # ArithmeticError: an exponent past Decimal's range (JSONTestSuite's huge numbers).
            return None

    def set_json(self, value: Any) -> None:
        """Replace the body with `value` as JSON, Decimals written digit for digit."""
        self.body = dumps(value).encode()

    def copy(self, **changes: Any) -> Message:
        """A copy (headers list copied) with some fields changed."""
        return replace(self, headers=list(self.headers), **changes)

    @property
    def code(self) -> str | None:
        """The problem `code` of an error response."""
        body = self.json()
        value = body.get("code") if isinstance(body, dict) else None
        return value if isinstance(value, str) else None


def dumps(value: Any) -> str:
    """JSON text of a value that may hold Decimals (json.dumps cannot write them exactly)."""
    numbers: list[str] = []

    def mark(node: Any) -> Any:
        if isinstance(node, Decimal):
            numbers.append(str(node))
            return f"\x00{len(numbers) - 1}\x00"
        if isinstance(node, dict):
            return {k: mark(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mark(v) for v in node]
        return node

    text = json.dumps(mark(value), separators=(",", ":"))
    return re.sub(r'"\\u0000(\d+)\\u0000"', lambda m: numbers[int(m.group(1))], text)


Forward = Callable[[Message], Awaitable[Message]]


@dataclass
class FaultContext:
    """What a fault knows: the deployment's tokens and fixtures, state, and a way upstream."""

    token: str
    foreign_token: str
    foreign_orders: frozenset[str]
    forward: Forward
    state: dict[str, Any] = field(default_factory=dict)
    fixtures: dict[str, Any] = field(default_factory=dict)  # the whole file, facts included

    @property
    def key(self) -> str:
        """Channel A's bare key."""
        return self.token.split(" ", 1)[-1]

    @property
    def tokens(self) -> tuple[str, str]:
        """Both valid Authorization values."""
        return (self.token, self.foreign_token)

    def other_token(self, token: str | None) -> str:
        """The valid token of the other channel."""
        return self.foreign_token if token == self.token else self.token


# A request hook answers in the upstream's place (a Message) or lets the request through (None).
RequestHook = Callable[[FaultContext, Message], Awaitable[Message | None]]
# A response hook edits the response in place or returns a replacement.
ResponseHook = Callable[[FaultContext, Message, Message], Awaitable[Message | None]]


@dataclass(frozen=True)
class Fault:
    """A named way to be wrong, and the requirements the suite must name when it sees it."""

    name: str
    kind: str
    does: str
    requirements: tuple[str, ...]
    on_request: RequestHook | None = None
    on_response: ResponseHook | None = None
    # Only faults that the semantic checks and sweeps alone cannot see are run with fuzzing:
    # its coverage phase is most of a suite run's cost (README.md).
    fuzzing: bool = False

    @property
    def must(self) -> bool:
        """Whether the fault breaks a MUST (then the suite must exit 1, else WARN and exit 0)."""
        return any(LEVELS[r] == "MUST" for r in self.requirements)


FAULTS: dict[str, Fault] = {}


def fault(
    name: str,
    *requirements: str,
    kind: str,
    does: str,
    on_request: RequestHook | None = None,
    on_response: ResponseHook | None = None,
    fuzzing: bool = False,
) -> Fault:
    """Register a fault under its name."""
    if name in FAULTS or not requirements or not set(requirements) <= set(LEVELS):
        raise ValueError(f"fault {name!r}: registered twice or unknown requirements")
    entry = Fault(name, kind, does, requirements, on_request, on_response, fuzzing)
    FAULTS[name] = entry
    return entry

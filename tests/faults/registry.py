"""Named faults: each a small transform of the requests and responses passing the proxy."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Message:
    """An HTTP request or response as the proxy sees it (mutable: faults edit it)."""

    method: str = ""
    path: str = ""
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def set_header(self, name: str, value: str | None) -> None:
        """Replace (or remove, with None) a header."""
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        if value is not None:
            self.headers.append((name, value))

    def json(self) -> Any:
        """The body as JSON, or None."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class FaultContext:
    """What a fault knows: the valid tokens of the deployment and state across requests."""

    tokens: tuple[str, ...]
    state: dict[str, Any] = field(default_factory=dict)


# A request hook returns a response to answer without forwarding, or None to forward.
RequestHook = Callable[[FaultContext, Message], Message | None]
ResponseHook = Callable[[FaultContext, Message, Message], None]


@dataclass(frozen=True)
class Fault:
    """A named way to be wrong, and the requirement the suite must name when it sees it."""

    name: str
    requirements: tuple[str, ...]
    on_request: RequestHook | None = None
    on_response: ResponseHook | None = None


FAULTS: dict[str, Fault] = {}


def fault(
    name: str,
    *requirements: str,
    on_request: RequestHook | None = None,
    on_response: ResponseHook | None = None,
) -> Fault:
    """Register a fault under its name."""
    entry = Fault(name, requirements, on_request, on_response)
    FAULTS[name] = entry
    return entry

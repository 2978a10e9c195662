"""What the sandbox's control API answers, as typed values (for `server.sandbox.client`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Channel:
    """A sales channel; `token` is the Authorization value of the demo channels."""

    id: int
    name: str
    token: str | None


@dataclass(frozen=True)
class Item:
    """An order item."""

    pk: int
    amount: Decimal
    captured: bool


@dataclass(frozen=True)
class SandboxOrder:
    """An order as the sandbox shows it."""

    number: str
    channel: int
    state: str
    status: str
    currency: str
    amount: Decimal
    captured_amount: Decimal
    items: tuple[Item, ...]

    @property
    def pks(self) -> list[int]:
        """The item pks, ascending."""
        return [item.pk for item in self.items]


@dataclass(frozen=True)
class Fault:
    """An armed fault."""

    id: int
    kind: str
    channel: int | None
    order: str | None
    remaining: int
    duration_ms: int | None
    retry_after: int | None
    armed_at: datetime


@dataclass(frozen=True)
class Clock:
    """The server's clock."""

    now: datetime
    offset_seconds: float


@dataclass(frozen=True)
class Event:
    """One thing the server did."""

    id: int
    at: datetime
    type: str
    channel: int | None
    order: str | None
    idempotency_key: str | None
    status: int | None
    code: str | None
    fault: int | None
    detail: str


@dataclass(frozen=True)
class EventPage:
    """Events, newest first, and the cursor to poll on from."""

    events: tuple[Event, ...]
    cursor: int
    more: bool


class SandboxError(Exception):
    """A control request answered with a problem."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('code')}: {problem.get('detail')}")
        self.status = status
        self.problem = problem

    @property
    def code(self) -> str | None:
        """The problem's code."""
        code = self.problem.get("code")
        return None if code is None else str(code)


def parse_time(text: str) -> datetime:
    """An RFC 3339 timestamp of an answer."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_order(data: dict[str, Any]) -> SandboxOrder:
    """A SandboxOrder body."""
    items = tuple(Item(i["pk"], Decimal(i["amount"]), i["captured"]) for i in data["items"])
    return SandboxOrder(
        data["number"],
        data["channel"],
        data["state"],
        data["status"],
        data["currency"],
        Decimal(data["amount"]),
        Decimal(data["captured_amount"]),
        items,
    )


def parse_fault(data: dict[str, Any]) -> Fault:
    """A Fault body."""
    match = data["match"]
    return Fault(
        data["id"],
        data["kind"],
        match.get("channel"),
        match.get("order"),
        data["remaining"],
        data["duration_ms"],
        data["retry_after"],
        parse_time(data["armed_at"]),
    )


def parse_event(data: dict[str, Any]) -> Event:
    """An Event body."""
    return Event(**{**data, "at": parse_time(data["at"])})


def parse_clock(data: dict[str, Any]) -> Clock:
    """A Clock body."""
    return Clock(parse_time(data["now"]), float(data["offset_seconds"]))

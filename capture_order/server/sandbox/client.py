"""A typed Python client of the sandbox's control API (and of the capture endpoint, for tests).

It needs httpx only: a client team's tests import it without the server's dependencies.

    sandbox = Sandbox("http://127.0.0.1:8000", admin_token)
    order = sandbox.create_order()
    sandbox.arm("drop_after_commit", order=order)
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from capture_order.server.sandbox.client_answers import (
    Channel,
    Clock,
    Event,
    EventPage,
    Fault,
    Item,
    SandboxError,
    SandboxOrder,
    parse_clock,
    parse_event,
    parse_fault,
    parse_order,
)

__all__ = [
    "Channel",
    "Clock",
    "Event",
    "EventPage",
    "Fault",
    "Item",
    "Sandbox",
    "SandboxError",
    "SandboxOrder",
]  # fmt: skip

CONTROL_PREFIX = "/_sandbox"
STATES = (
    "capturable", "partially_captured", "fully_captured", "cancelled", "refunded",
    "not_authorized",
)  # fmt: skip
CAPTURE_PATH = "/api/v1/capture-order/"


OrderRef = SandboxOrder | str
ChannelRef = Channel | int


class Sandbox:
    """The control API of one `capture-order serve --sandbox`, and its capture endpoint."""

    def __init__(self, base_url: str, admin_token: str, *, timeout: float = 30) -> None:
        # The server's root; the control API's own URL (as older banners printed it) too.
        self.base_url = base_url.rstrip("/").removesuffix(CONTROL_PREFIX)
        self.http = httpx.Client(
            base_url=self.base_url + CONTROL_PREFIX,
            # The bare token; a pasted header value ("Bearer X") too (no token has a space).
            headers={"Authorization": f"Bearer {admin_token.removeprefix('Bearer ')}"},
            timeout=timeout,
        )
        # Captures each on a new connection: one the server dropped is never reused.
        self.captures = httpx.Client(
            timeout=timeout, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self._channels: list[Channel] | None = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self.http.close()
        self.captures.close()

    @property
    def capture_url(self) -> str:
        """The capture endpoint."""
        return self.base_url + CAPTURE_PATH

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        body = json.loads(response.content, parse_float=Decimal) if response.content else None
        if response.status_code >= 400:
            raise SandboxError(response.status_code, body if isinstance(body, dict) else {})
        return body

    # -- channels ------------------------------------------------------------------

    def channels(self) -> list[Channel]:
        """Every sales channel, the default one (demo channel A) first."""
        if self._channels is None:  # channels never change while the server runs
            listed = self._call("GET", "/channels")["channels"]
            self._channels = [Channel(c["id"], c["name"], c["token"]) for c in listed]
        return list(self._channels)

    @property
    def token(self) -> str:
        """The Authorization value of the default channel (demo channel A)."""
        token = self.channels()[0].token
        if token is None:
            raise LookupError("the sandbox has no demo channel (serve --sandbox makes one)")
        return token

    # -- orders --------------------------------------------------------------------

    def create_order(
        self,
        state: str = "capturable",
        *,
        items: int | None = None,
        amounts: Sequence[Decimal | int | str] | None = None,
        currency: str | None = None,
        shipping: Decimal | int | str | None = None,
        channel: ChannelRef | None = None,
        number: str | None = None,
    ) -> SandboxOrder:
        """A new order in a state of `STATES`; unset fields get the server's defaults."""
        body: dict[str, Any] = {"state": state}
        if items is not None:
            body["items"] = items
        if amounts is not None:
            body["amounts"] = [Decimal(str(a)) for a in amounts]
        if currency is not None:
            body["currency"] = currency
        if shipping is not None:
            body["shipping"] = Decimal(str(shipping))
        if channel is not None:
            body["channel"] = channel.id if isinstance(channel, Channel) else channel
        if number is not None:
            body["number"] = number
        return parse_order(self._call("POST", "/orders", content=_json(body), headers=JSON))

    def order(self, order: OrderRef, *, channel: ChannelRef | None = None) -> SandboxOrder:
        """An order as it is now."""
        path, params = self._order_path(order, channel)
        return parse_order(self._call("GET", path, params=params))

    def cancel(self, order: OrderRef) -> SandboxOrder:
        """Cancel the order (a later capture: 409 order_cancelled)."""
        path, params = self._order_path(order, None)
        return parse_order(self._call("POST", path + "/cancel", params=params))

    def refund(self, order: OrderRef) -> SandboxOrder:
        """Refund the order (a later capture: 409 order_refunded)."""
        path, params = self._order_path(order, None)
        return parse_order(self._call("POST", path + "/refund", params=params))

    @staticmethod
    def _order_path(order: OrderRef, channel: ChannelRef | None) -> tuple[str, dict[str, int]]:
        number = order.number if isinstance(order, SandboxOrder) else order
        if channel is None and isinstance(order, SandboxOrder):
            channel = order.channel
        params = {} if channel is None else {"channel": _channel_id(channel)}
        return f"/orders/{quote(number, safe='')}", params

    # -- faults --------------------------------------------------------------------

    def arm(
        self,
        kind: str,
        *,
        order: OrderRef | None = None,
        channel: ChannelRef | None = None,
        count: int = 1,
        duration_ms: int | None = None,
        retry_after: int | None = None,
    ) -> Fault:
        """Arm a fault for the next `count` capture requests that match (any, by default)."""
        body: dict[str, Any] = {"kind": kind, "count": count, "match": {}}
        if order is not None:
            body["match"]["order"] = order.number if isinstance(order, SandboxOrder) else order
        if channel is not None:
            body["match"]["channel"] = _channel_id(channel)
        if duration_ms is not None:
            body["duration_ms"] = duration_ms
        if retry_after is not None:
            body["retry_after"] = retry_after
        return parse_fault(self._call("POST", "/faults", content=_json(body), headers=JSON))

    def faults(self) -> list[Fault]:
        """Every armed fault, the first to act first."""
        return [parse_fault(f) for f in self._call("GET", "/faults")["faults"]]

    def fault(self, fault: Fault | int) -> Fault:
        """One armed fault (SandboxError 404 once spent or disarmed)."""
        return parse_fault(self._call("GET", f"/faults/{_fault_id(fault)}"))

    def disarm(self, fault: Fault | int | None = None) -> None:
        """Disarm one fault, or every fault."""
        self._call("DELETE", "/faults" if fault is None else f"/faults/{_fault_id(fault)}")

    # -- clock, reset, events --------------------------------------------------------

    def clock(self) -> Clock:
        """The server's clock."""
        return parse_clock(self._call("GET", "/clock"))

    def set_clock(self, moment: datetime) -> Clock:
        """Set the server's time (an aware datetime); it runs on from there."""
        body = _json({"now": moment.isoformat()})
        return parse_clock(self._call("PUT", "/clock", content=body, headers=JSON))

    def advance_clock(
        self, seconds: float = 0, *, days: float = 0, hours: float = 0, minutes: float = 0
    ) -> Clock:
        """Move the server's time forward."""
        step = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        body = _json({"seconds": Decimal(str(step.total_seconds()))})
        return parse_clock(self._call("POST", "/clock/advance", content=body, headers=JSON))

    def reset(self) -> None:
        """Back to the seeded state: no faults, real time, a fresh event log."""
        self._call("POST", "/reset")

    def events(self, *, since: int | None = None, limit: int | None = None) -> EventPage:
        """Events, newest first; with `since`, those after that cursor."""
        params = {k: v for k, v in (("since", since), ("limit", limit)) if v is not None}
        data = self._call("GET", "/events", params=params)
        return EventPage(tuple(map(parse_event, data["events"])), data["cursor"], data["more"])

    def wait_for_event(
        self, type: str, *, fault: Fault | int | None = None, since: int = 0, timeout: float = 10
    ) -> Event:
        """The first event of this type (of this fault) after `since`, waiting up to `timeout` s."""
        deadline = time.monotonic() + timeout
        wanted = None if fault is None else _fault_id(fault)
        while True:
            page = self.events(since=since, limit=1000)
            found = [e for e in page.events if e.type == type and wanted in (None, e.fault)]
            if found:
                return found[-1]
            if not page.more:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no {type} event in {timeout} s")
                time.sleep(0.02)
            since = page.cursor

    # -- the capture endpoint, as a client would call it ---------------------------

    def capture(
        self,
        order: OrderRef,
        *,
        items: Sequence[int] | None = None,
        key: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """POST a capture of the order (all items, or those given) on a fresh connection."""
        body: dict[str, Any] = {"order": order.number if isinstance(order, SandboxOrder) else order}
        if items is not None:
            body["order_items"] = [{"pk": pk} for pk in items]
        headers = {"Authorization": token or self.token, **JSON}
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.captures.post(
            self.capture_url,
            content=_json(body),
            headers=headers,
            timeout=self.captures.timeout if timeout is None else timeout,
        )


JSON = {"Content-Type": "application/json"}


def _json(body: Any) -> bytes:
    return json.dumps(body, default=_number).encode()


def _number(value: Any) -> float:
    # A Decimal goes as the float whose shortest repr is its digits (exact for amounts).
    if isinstance(value, Decimal) and value.is_finite():
        number = float(value)
        if Decimal(repr(number)) == value:
            return number
    raise TypeError(f"{value!r} cannot be sent as an exact JSON number")


def _channel_id(channel: ChannelRef) -> int:
    return channel.id if isinstance(channel, Channel) else channel


def _fault_id(fault: Fault | int) -> int:
    return fault.id if isinstance(fault, Fault) else fault

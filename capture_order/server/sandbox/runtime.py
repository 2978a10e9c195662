"""The running sandbox of one worker process: its store, clock, capture edge and access rules.

Everything that changes (faults, clock, events) is in the database; what is kept here is fixed
for the server's life (the admin token's hash, the allowed client networks, the demo channels).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.datastructures import Headers
from starlette.types import Scope

from capture_order.server.demo import DEMO_KEY
from capture_order.server.sandbox.clock import SandboxClock, read_offset
from capture_order.server.sandbox.control_problems import ControlProblem
from capture_order.server.sandbox.edge import SandboxCapture
from capture_order.server.sandbox.events import EventRecord
from capture_order.server.sandbox.state import ADMIN_TOKEN_HASH, read_value
from capture_order.server.store import Store, Transaction
from capture_order.server.token_cache import Tokens, hash_token

T = TypeVar("T")
Unit = Callable[[Transaction], T]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_BEARER = re.compile(r"^[Bb][Ee][Aa][Rr][Ee][Rr] +([\x21-\x7E]{1,512})$")


def admin_token_hash(token: str) -> str:
    """The stored form of the admin token: its sha256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def allowed_networks(hosts: Sequence[str]) -> tuple[Network, ...]:
    """The client networks `--sandbox-host` names (addresses or CIDR); ValueError if bad."""
    return tuple(ipaddress.ip_network(host.strip(), strict=False) for host in hosts)


class FreshTokens(Tokens):
    """Token lookups that always ask the database: a reset can take a channel's token away."""

    def channel_for(self, key: str) -> int | None:
        """The channel of an API key, or None."""
        return self.store.channel_for_token(hash_token(key))


@dataclass
class SandboxRuntime:
    """One worker's sandbox."""

    store: Store
    clock: SandboxClock
    capture: SandboxCapture
    token_hash: str
    allowed: tuple[Network, ...] = ()
    demo_tokens: dict[int, str] = field(default_factory=dict)  # channel id -> Authorization

    @classmethod
    def load(cls, store: Store, capture: SandboxCapture, hosts: Sequence[str]) -> SandboxRuntime:
        """The sandbox `serve --sandbox` prepared in this database."""
        token_hash = store.write(lambda tx: read_value(tx, ADMIN_TOKEN_HASH))
        if token_hash is None:
            raise RuntimeError("the database has no sandbox: start it with capture-order serve")
        demo: dict[str, Any] = json.loads(store.demo_value(DEMO_KEY) or "{}")
        tokens = {}
        for name in ("token", "foreign_token"):
            if name in demo:
                channel = store.channel_for_token(hash_token(demo[name].split()[-1]))
                if channel is not None:
                    tokens[channel] = demo[name]
        return cls(
            store, capture.sandbox_clock, capture, token_hash, allowed_networks(hosts), tokens
        )

    @property
    def default_channel(self) -> int | None:
        """Channel A of the demo data."""
        return next(iter(self.demo_tokens), None)

    async def run(self, unit: Unit[T]) -> T:
        """A unit of work in a transaction of its own."""
        return await self.store.run(unit)

    async def refresh_clock(self) -> None:
        """The clock as every worker sees it (another may have moved it)."""
        self.clock.offset = await self.store.run(read_offset)

    async def log(self, events: Sequence[EventRecord]) -> None:
        """Append events."""
        await self.capture.log(events)

    def refusal(self, scope: Scope) -> ControlProblem | None:
        """Why a control request may not go on: its client address, then its token."""
        client = scope.get("client")
        if client is not None and not self._allowed(client[0]):
            return ControlProblem("client_not_allowed")
        value = Headers(scope=scope).get("authorization", "").strip()
        if not value:
            return ControlProblem("not_authenticated")
        match = _BEARER.fullmatch(value)
        if match is None or not hmac.compare_digest(
            admin_token_hash(match.group(1)), self.token_hash
        ):
            return ControlProblem("authentication_failed")
        return None

    def _allowed(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False  # not an IP address: never loopback
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return address.is_loopback or any(address in network for network in self.allowed)

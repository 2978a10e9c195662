"""What a check works with: the client, its fixtures, and a way to record failed expectations."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from conformance.fixtures import FixtureOrder
from conformance.http import Client, Exchange
from conformance.pool import OrderPool, OrdersExhaustedError
from conformance.reproduce import Redactor, curl_command
from conformance.settings import Settings
from conformance.verdict import Finding

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
# `token=` default: the configured token; pass None to send no Authorization header.
CONFIGURED: Any = object()


class Skip(Exception):  # noqa: N818  (a control-flow signal, like pytest.skip)
    """The check lacks what it needs (fixtures, a token); the reason is reported."""


class Abort(Exception):  # noqa: N818  (a control-flow signal)
    """A failed expectation makes the rest of the check meaningless."""


Item = int | dict[str, Any]


@dataclass
class CheckContext:
    """Per-check state: shared client and pool, a seeded RNG, findings so far."""

    name: str
    settings: Settings
    client: Client
    pool: OrderPool
    foreign_pool: OrderPool
    redactor: Redactor
    prefix: str
    rng: random.Random
    findings: list[Finding] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)

    # Fixtures ---------------------------------------------------------------
    def order(self, min_items: int = 1) -> FixtureOrder:
        """A capturable fixture order of channel A for this check alone (SKIP when none is left)."""
        self.token()
        try:
            return self.pool.take(self.name, min_items=min_items)
        except OrdersExhaustedError as exc:
            raise Skip(f"{exc} (orders in the fixtures file)") from None

    def foreign_order(self) -> FixtureOrder:
        """An order of channel B for this check alone (SKIP when none is left)."""
        try:
            return self.foreign_pool.take(self.name)
        except OrdersExhaustedError as exc:
            raise Skip(f"{exc} (foreign_orders in the fixtures file)") from None

    def token(self) -> str:
        """The configured token (SKIP without one)."""
        if not self.settings.token:
            raise Skip("needs a token (--token, CAPTURE_ORDER_TOKEN or token in the fixtures)")
        return self.settings.token

    def foreign_token(self) -> str:
        """The token of channel B (SKIP without one)."""
        if not self.settings.foreign_token:
            raise Skip("needs foreign_token (--foreign-token or CAPTURE_ORDER_FOREIGN_TOKEN)")
        return self.settings.foreign_token

    def unknown_order(self) -> str:
        """An order number that cannot exist: the run's prefix and random hex."""
        return f"{self.prefix}{self.rng.getrandbits(48):012x}"

    def new_key(self) -> str:
        """A fresh Idempotency-Key."""
        return f"{self.prefix}{self.name}-{self.rng.getrandbits(64):016x}"

    # Requests ---------------------------------------------------------------
    def capture(
        self,
        order: str | None,
        items: Sequence[Item] | None = None,
        *,
        token: Any = CONFIGURED,
        key: str | bytes | None = None,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str | None = JSON,
        method: str = "POST",
        extra_headers: dict[str, str | bytes] | None = None,
        body_shell: str | None = None,
    ) -> Exchange:
        """POST a capture (or send `raw`/`body` as given) and keep the exchange."""
        if raw is None:
            if body is None:
                body = {"order": order}
                if items is not None:
                    body["order_items"] = [i if isinstance(i, dict) else {"pk": i} for i in items]
            raw = json.dumps(body).encode()
        headers: dict[str, str | bytes] = {}
        if content_type is not None and raw:
            headers["Content-Type"] = content_type
        authorization = self.token() if token is CONFIGURED else token
        if authorization is not None:
            headers["Authorization"] = authorization
        if key is not None:
            headers["Idempotency-Key"] = key
        headers.update(extra_headers or {})
        exchange = self.client.send(
            method, body=raw or None, headers=headers, source=self.name, body_shell=body_shell
        )
        self.exchanges.append(exchange)
        return exchange

    # Expectations -----------------------------------------------------------
    def expect(
        self,
        condition: bool,
        requirement: str | None,
        title: str,
        *,
        expected: str,
        received: str,
        exchanges: Iterable[Exchange] = (),
    ) -> bool:
        """Record a finding unless the condition holds; return the condition."""
        if not condition:
            curls = tuple(curl_command(e, self.redactor) for e in exchanges)
            self.findings.append(
                Finding(
                    requirement,
                    self.redactor.text(title),
                    self.redactor.text(expected),
                    self.redactor.text(received),
                    curls,
                )
            )
        return condition

    def expect_status(
        self,
        exchange: Exchange,
        status: int | tuple[int, ...],
        requirement: str | None,
        title: str,
        *,
        code: str | tuple[str, ...] | None = None,
        history: Sequence[Exchange] = (),
    ) -> bool:
        """Expect a status (and problem `code`); reproduce with `history`, then this request."""
        statuses = (status,) if isinstance(status, int) else status
        codes = (code,) if isinstance(code, str) else code
        ok = exchange.status in statuses and (codes is None or exchange.code in codes)
        wanted = " or ".join(map(str, statuses))
        if codes is not None:
            wanted += f" with code {' or '.join(codes)}"
        return self.expect(
            ok,
            requirement,
            title,
            expected=wanted,
            received=describe(exchange),
            exchanges=[*history, exchange],
        )

    def abort_unless(self, ok: bool) -> None:
        """Stop the check when an earlier expectation failed and later steps depend on it."""
        if not ok:
            raise Abort()


def describe(exchange: Exchange) -> str:
    """Status, code and a short body: what the 'Received' line shows."""
    code = exchange.code
    body = exchange.text(300)
    head = f"{exchange.status}" + (f" with code {code}" if code else "")
    return f"{head} ({exchange.media_type or 'no content type'}): {body}" if body else head


def body_of(exchange: Exchange) -> dict[str, Any]:
    """The response body as a dict ({} when it is not a JSON object)."""
    body = exchange.json()
    return body if isinstance(body, dict) else {}

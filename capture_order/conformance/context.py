"""What a check works with: the client, its granted fixtures, and a way to record expectations."""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.http import Client, Exchange
from capture_order.conformance.needs import FOREIGN_TOKEN_HINT, TOKEN_HINT, Grant, OrderNeed
from capture_order.conformance.reproduce import Redactor, curl_command
from capture_order.conformance.settings import Settings
from capture_order.conformance.verdict import Finding
from capture_order.contract.catalogue import by_id, cases_by_ref

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
# `token=` default: the configured token; pass None to send no Authorization header.
CONFIGURED: Any = object()


class Skip(Exception):  # noqa: N818  (a control-flow signal, like pytest.skip)
    """The check lacks what it needs (fixtures, a token); the reason is reported."""


class Abort(Exception):  # noqa: N818  (a control-flow signal)
    """A failed expectation makes the rest of the check meaningless."""


class SuiteBugError(RuntimeError):
    """A check did what its declaration does not allow (an undeclared order or case)."""


Item = int | dict[str, Any]


@functools.cache
def _known_refs() -> frozenset[str]:
    return frozenset(cases_by_ref()) | frozenset(by_id())


HeaderLines = Sequence[tuple[str, str | bytes]]


@dataclass
class CheckContext:
    """Per-check state: shared client, the check's grant, a seeded RNG, findings so far."""

    name: str
    settings: Settings
    client: Client
    grant: Grant
    redactor: Redactor
    prefix: str
    rng: random.Random
    cases: tuple[str, ...] = ()
    needs: tuple[OrderNeed, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    touched: set[str | None] = field(default_factory=set)
    skipped: dict[str, str] = field(default_factory=dict)
    _orders_given: int = 0
    _foreign_given: int = 0

    # Fixtures ---------------------------------------------------------------
    def order(self, min_items: int = 1) -> FixtureOrder:
        """The next fixture order granted to this check (as its `Needs` declare)."""
        if self._orders_given >= len(self.grant.orders):
            raise SuiteBugError(f"{self.name} asked for an order its needs do not declare")
        order = self.grant.orders[self._orders_given]
        if len(order.items) < min_items:
            raise SuiteBugError(f"{self.name} declared fewer items than it asks for")
        self._orders_given += 1
        return order

    def foreign_order(self) -> FixtureOrder:
        """The next order of channel B granted to this check."""
        if self._foreign_given >= len(self.grant.foreign_orders):
            raise SuiteBugError(f"{self.name} asked for a foreign order it does not declare")
        self._foreign_given += 1
        return self.grant.foreign_orders[self._foreign_given - 1]

    def token(self) -> str:
        """The configured token (SKIP without one)."""
        if not self.settings.token:
            raise Skip(f"needs {TOKEN_HINT}")
        return self.settings.token

    def foreign_token(self) -> str:
        """The token of channel B (SKIP without one)."""
        if not self.settings.foreign_token:
            raise Skip(f"needs {FOREIGN_TOKEN_HINT}")
        return self.settings.foreign_token

    def unknown_order(self) -> str:
        """An order number that cannot exist: the run's prefix and random hex."""
        return f"{self.prefix}{self.rng.getrandbits(48):012x}"

    def new_key(self) -> str:
        """A fresh Idempotency-Key."""
        return f"{self.prefix}{self.name}-{self.rng.getrandbits(64):016x}"

    # Cases ------------------------------------------------------------------
    def allowed(self, ref: str) -> bool:
        """Whether a declared case can be checked (its own fixtures need is met)."""
        if ref not in self.cases:
            raise SuiteBugError(f"{self.name} asks about {ref}, which it does not declare")
        return ref not in self.skipped

    def skip_case(self, ref: str, reason: str) -> None:
        """Report one case SKIP with its reason; the check goes on with the others."""
        if ref not in self.cases:
            raise SuiteBugError(f"{self.name} skips {ref}, which it does not declare")
        self.skipped.setdefault(ref, reason)

    def _declared(self, ref: str | None) -> None:
        """A check may name any case of the catalogue (an undeclared one only fails it)."""
        if ref is None or ref in self.cases or ref.startswith("RUN-"):
            return
        if ref not in _known_refs():
            raise SuiteBugError(f"{self.name} names {ref}, which is not in the catalogue")

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
        extra_headers: Mapping[str, str | bytes] | None = None,
        header_lines: HeaderLines = (),
        body_shell: str | None = None,
        path: str | None = None,
    ) -> Exchange:
        """POST a capture (or send `raw`/`body` as given) and keep the exchange.

        `header_lines` are sent after the others, so a header can be sent twice.
        """
        if raw is None:
            if body is None:
                body = {"order": order}
                if items is not None:
                    body["order_items"] = [i if isinstance(i, dict) else {"pk": i} for i in items]
            raw = json.dumps(body).encode()
        headers: list[tuple[str, str | bytes]] = []
        if content_type is not None and raw:
            headers.append(("Content-Type", content_type))
        authorization = self.token() if token is CONFIGURED else token
        if authorization is not None:
            headers.append(("Authorization", authorization))
        if key is not None:
            headers.append(("Idempotency-Key", key))
        headers += list((extra_headers or {}).items()) + list(header_lines)
        exchange = self.client.send(
            method,
            body=raw or None,
            headers=headers,
            source=self.name,
            body_shell=body_shell,
            path=path,
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
        """Record a finding (for a case, a requirement or None: all) unless the condition holds."""
        self._declared(requirement)
        self.touched.add(requirement)
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

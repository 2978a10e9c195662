"""What a scenario works with: the client, its granted fixtures, and the facts it sets up.

A scenario sends requests and says what it knows that the deployment does not show (an order
number it made up, a key it knows to be unknown): the judge takes that as facts, like the
fixtures'. It records no expectation of its own.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.http import Client, Exchange
from capture_order.conformance.inputs import InputLedger
from capture_order.conformance.judge.judge_facts import Facts, KnownOrder
from capture_order.conformance.judge.values import JSON
from capture_order.conformance.needs import FOREIGN_TOKEN_HINT, NO_TOKEN, Grant, OrderNeed
from capture_order.conformance.settings import Settings

# `token=` default: the configured token; pass None to send no Authorization header.
CONFIGURED: Any = object()
# A pk no order has: above every pk a deployment hands out in practice, below int64's end.
UNKNOWN_PK = 9_000_000_000_000_000_001


class Skip(Exception):  # noqa: N818  (a control-flow signal, like pytest.skip)
    """The scenario lacks what it needs (fixtures, a token); the reason is reported."""


class SuiteBugError(RuntimeError):
    """A scenario did what its declaration does not allow (an undeclared order or case)."""


Item = int | dict[str, Any]


HeaderLines = Sequence[tuple[str, str | bytes]]
T = TypeVar("T")


@dataclass
class ScenarioContext:
    """Per-scenario state: shared client and facts, the grant, a seeded RNG, what it sent."""

    name: str
    settings: Settings
    client: Client
    grant: Grant
    facts: Facts
    prefix: str
    rng: random.Random
    cases: tuple[str, ...] = ()
    needs: tuple[OrderNeed, ...] = ()
    exchanges: list[Exchange] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    input_ledger: InputLedger = field(default_factory=InputLedger)
    _orders_given: int = 0
    _foreign_given: int = 0

    # Fixtures ---------------------------------------------------------------
    def order(self, min_items: int = 1) -> FixtureOrder:
        """The next fixture order granted to this scenario (as its `Needs` declare)."""
        if self._orders_given >= len(self.grant.orders):
            raise SuiteBugError(f"{self.name} asked for an order its needs do not declare")
        order = self.grant.orders[self._orders_given]
        if len(order.items) < min_items:
            raise SuiteBugError(f"{self.name} declared fewer items than it asks for")
        self._orders_given += 1
        return order

    def foreign_order(self) -> FixtureOrder:
        """The next order of channel B granted to this scenario."""
        if self._foreign_given >= len(self.grant.foreign_orders):
            raise SuiteBugError(f"{self.name} asked for a foreign order it does not declare")
        self._foreign_given += 1
        return self.grant.foreign_orders[self._foreign_given - 1]

    def token(self) -> str:
        """The configured token (SKIP without one)."""
        if not self.settings.token:
            raise Skip(NO_TOKEN)
        return self.settings.token

    def foreign_token(self) -> str:
        """The token of channel B (SKIP without one)."""
        if not self.settings.foreign_token:
            raise Skip(f"needs {FOREIGN_TOKEN_HINT}")
        return self.settings.foreign_token

    # Facts it sets up ---------------------------------------------------------
    def unknown_order(self) -> str:
        """An order number that cannot exist: the run's prefix and random hex."""
        return f"{self.prefix}{self.rng.getrandbits(48):012x}"

    def unknown_token(self) -> str:
        """`Token <key>` with a key the deployment cannot know (a fact for the judge)."""
        value = f"Token {self.rng.getrandbits(160):040x}"
        self.facts.token(value, valid=False)
        return value

    def near_miss_token(self, value: str) -> str:
        """An Authorization value whose key is one edit away from the valid key (a fact)."""
        self.facts.token(value, valid=False, near_miss=True)
        return value

    def class_body(self, raw: bytes, case: str, *, either: bool = False) -> bytes:
        """A body sent as an input of `case`'s class (a fact: its refusal exercises `case`;
        `either`: the schema's 400 may be malformed_json as well)."""
        self.facts.body_case(self.name, raw, case, either=either)
        return raw

    def unknown_pk(self) -> int:
        """A pk no item of any order has (a fact for the judge)."""
        self.facts.unknown_pks.add(UNKNOWN_PK)
        return UNKNOWN_PK

    def variant(self, order: FixtureOrder, number: str, case: str) -> str:
        """Another number for a fixture order (case, spaces, Unicode form): no order has it."""
        self.facts.add(KnownOrder(number, exists=False, variant_of=order.number, variant_case=case))
        self.client.guard.allow_variant(number, order.number)
        return number

    def new_key(self) -> str:
        """A fresh Idempotency-Key."""
        return f"{self.prefix}{self.name}-{self.rng.getrandbits(64):016x}"

    # Input classes ------------------------------------------------------------
    def inputs(
        self, class_name: str, candidates: Sequence[T], *, keep: Sequence[T] = (), sample: int = 8
    ) -> list[T]:
        """The inputs of an `x-input-classes` class to send: `keep` (the boundary values) always,
        then every other candidate under --profile certify, else a seeded sample of `sample`."""
        return self.input_ledger.choose(class_name, candidates, keep, sample)

    # Cases ------------------------------------------------------------------
    def allowed(self, ref: str) -> bool:
        """Whether a declared case can be exercised (its own fixtures need is met)."""
        if ref not in self.cases:
            raise SuiteBugError(f"{self.name} asks about {ref}, which it does not declare")
        return ref not in self.skipped

    def skip_case(self, ref: str, reason: str) -> None:
        """Report one case SKIP with its reason; the scenario goes on with the others."""
        if ref not in self.cases:
            raise SuiteBugError(f"{self.name} skips {ref}, which it does not declare")
        self.skipped.setdefault(ref, reason)

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

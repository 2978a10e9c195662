"""Rewrites each generated case before it is sent: no real order but the fixtures, fresh keys.

It also gives each case its credential: the configured token, or, for one case in
WITHOUT_TOKEN_EVERY, none or a key the deployment cannot know (a fact for the judge).
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import MutableMapping
from typing import Any

from schemathesis import Case

from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.fuzz_cases import WITHOUT_TOKEN_EVERY
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.contract.facts import request_limits
from capture_order.contract.spec import load_spec, operation

MAX_ORDER = 128
MAX_KEY = request_limits().key_max
VALID_KEY = re.compile(rf"^[\x20-\x7E]{{{request_limits().key_min},{MAX_KEY}}}$")


def example_orders() -> tuple[set[str], list[int]]:
    """Order numbers and item pks the spec's request examples use (they may be real somewhere)."""
    spec = load_spec()
    media = operation(spec)["requestBody"]["content"]["application/json"]
    numbers = {str(spec["components"]["schemas"]["CaptureOrder"]["properties"]["order"]["example"])}
    pks: list[int] = []
    for example in media.get("examples", {}).values():
        value = example.get("value", {})
        numbers.add(str(value.get("order")))
        for item in value.get("order_items", []):
            if item.get("pk") not in pks:
                pks.append(item["pk"])
    return numbers, sorted(pks)


class CaseRewriter:
    """Makes generated order numbers unmatchable, except the spec's examples mapped to fixtures."""

    def __init__(
        self,
        *,
        prefix: str,
        orders: tuple[FixtureOrder, ...],
        token: str | None = None,
        facts: Facts | None = None,
    ) -> None:
        self.prefix = prefix
        self.token = token
        self.facts = facts
        self._cases = itertools.count(1)
        # The full-capture examples go to one fixture order, the partial ones to another,
        # so that both kinds of 200 body are validated.
        self.full = orders[0] if orders else None
        self.partial = orders[1] if len(orders) > 1 else self.full
        self.example_numbers, self.example_pks = example_orders()
        self._keys = itertools.count(1)
        self._lock = threading.Lock()
        self.fixture_numbers = {order.number for order in orders}
        self.mapped = 0

    def rewrite(self, case: Case[Any]) -> None:
        """Rewrite `order` (and item pks of mapped examples) and the Idempotency-Key in place."""
        body = case.body
        if isinstance(body, dict):
            self._order(body)
        if _negative_headers(case):
            return  # the headers are the point of the case
        self._credential(case.headers)
        self._key(case.headers)

    def _credential(self, headers: MutableMapping[str, Any]) -> None:
        with self._lock:
            number = next(self._cases)
        if number % WITHOUT_TOKEN_EVERY:
            if self.token:
                headers["Authorization"] = self.token
        elif number % (2 * WITHOUT_TOKEN_EVERY) and self.facts is not None:
            unknown = f"Token {self.prefix.encode().hex()[:16]}{number:024x}"
            self.facts.token(unknown, valid=False)
            headers["Authorization"] = unknown

    def _order(self, body: dict[str, Any]) -> None:
        value = body.get("order")
        if (
            not isinstance(value, str)
            or value.startswith(self.prefix)
            or value in self.fixture_numbers
        ):
            return
        items = body.get("order_items")
        target = self.partial if isinstance(items, list) and items else self.full
        if value in self.example_numbers and target is not None:
            body["order"] = target.number
            self.mapped += 1
            if isinstance(items, list):
                mapping = dict(zip(self.example_pks, target.items, strict=False))
                for item in items:
                    pk = item.get("pk") if isinstance(item, dict) else None
                    if isinstance(pk, int) and pk in mapping:
                        item["pk"] = mapping[item["pk"]]
            return
        if not value:
            return  # the empty string is invalid and matches nothing
        prefixed = self.prefix + value
        # A valid number stays valid (<= 128 characters); an over-long one stays over-long.
        body["order"] = prefixed[:MAX_ORDER] if len(value) <= MAX_ORDER else prefixed

    def _key(self, headers: MutableMapping[str, Any]) -> None:
        current = headers.get("Idempotency-Key")
        if current is not None and not (isinstance(current, str) and VALID_KEY.match(current)):
            return  # an invalid key is the point of the case
        with self._lock:
            number = next(self._keys)
        fresh = f"{self.prefix}{number:06d}-{current or ''}"
        headers["Idempotency-Key"] = fresh[:MAX_KEY]


def _negative_headers(case: Case[Any]) -> bool:
    """Whether the case is about its headers being wrong (e.g. no Authorization).

    Editing such a case's headers makes Schemathesis revalidate them, call the case positive and
    send the configured Authorization after all; the case would no longer test anything.
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    location = getattr(meta.phase.data, "parameter_location", None)
    return getattr(location, "value", location) == "header"

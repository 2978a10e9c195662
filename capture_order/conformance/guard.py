"""The safety of a run: no capture is sent for an order that is not in the fixtures.

Every request the suite sends passes `CaptureGuard.judge` first (in `conformance.http`, and in
the fuzzer's last hook before a generated case goes out). A body that names an order number that
is neither a fixture order nor prefixed with the run's prefix is refused, and the `Ledger` keeps
every request that named a fixture order and every refusal, for the report.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Item pks at least this large name no real item: the suite's "unknown item" (CO-CAP-03).
UNKNOWN_PK_FLOOR = 9_000_000_000_000_000_000
_JSON_ORDER = re.compile(rb'"order"\s*:\s*("(?:[^"\\]|\\.)*")')
_FORM_ORDER = re.compile(rb"(?:^|&)order=([^&]*)")


class RefusedCaptureError(RuntimeError):
    """The suite refused to send a request naming an order that is not in the fixtures."""


@dataclass(frozen=True)
class Judgement:
    """What a request body names, and whether it may be sent."""

    numbers: tuple[str, ...] = ()
    fixture: str | None = None  # the fixture order it names (None: none)
    variant: bool = False  # it names a case or space variant of that fixture order
    refusal: str | None = None


@dataclass(frozen=True)
class LedgerEntry:
    """One request that named a fixture order, or one the suite refused to send."""

    order: str
    source: str
    method: str
    status: int | None = None
    code: str | None = None
    variant: bool = False
    refused: str | None = None


def _top_level(body: bytes) -> tuple[list[str], list[Any]] | None:
    """Every `order` string of a top-level JSON object (duplicates too) and its items, or None."""
    try:
        parsed = json.loads(body, object_pairs_hook=list)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(parsed, list) or not all(
        isinstance(p, tuple) and len(p) == 2 for p in parsed
    ):
        return [], []  # not an object: no order number at all
    numbers = [v for k, v in parsed if k == "order" and isinstance(v, str)]
    items = [v for k, v in parsed if k == "order_items"]
    return numbers, items


def _scanned(body: bytes) -> list[str]:
    """Order numbers of a body that is not JSON: JSON-like members and form fields."""
    found = []
    for literal in _JSON_ORDER.findall(body):
        try:
            value = json.loads(literal)
        except (ValueError, UnicodeDecodeError):
            value = literal[1:-1].decode("latin-1")
        found.append(str(value))
    found += [m.decode("latin-1") for m in _FORM_ORDER.findall(body)]
    return found


def _only_unknown_items(items: list[Any]) -> bool:
    if len(items) != 1 or not isinstance(items[0], list) or not items[0]:
        return False
    pks = [dict(item).get("pk") if isinstance(item, list) else None for item in items[0]]
    return all(isinstance(pk, int) and pk >= UNKNOWN_PK_FLOOR for pk in pks)


class CaptureGuard:
    """Judges request bodies against the fixture orders and the run's prefix."""

    def __init__(self, prefix: str, fixture_numbers: Iterable[str]) -> None:
        self.prefix = prefix
        self.fixtures = frozenset(fixture_numbers)
        self._folded = {n.strip().casefold(): n for n in self.fixtures}
        self._variants: dict[str, str] = {}  # another spelling of a fixture's number -> it

    def allow_variant(self, number: str, fixture: str) -> None:
        """Let a scenario send another spelling of a fixture's number (CO-CAP-10)."""
        if fixture in self.fixtures:
            self._variants[number] = fixture

    def judge(self, body: bytes | None) -> Judgement:
        """May this body be sent? It may when every order it names is a fixture or generated."""
        if not body:
            return Judgement()
        top = _top_level(body)
        numbers, items = top if top is not None else (_scanned(body), [])
        fixture, variant = None, False
        for number in numbers:
            if not number:
                continue  # the empty string is schema-invalid and names no order
            if number in self.fixtures:
                fixture = fixture or number
            elif number.startswith(self.prefix):
                continue
            elif number.strip().casefold() in self._folded and _only_unknown_items(items):
                # CO-CAP-10 sends a fixture's number in another case or with a space, listing
                # only an item no order has: even a server that folded case captures nothing.
                fixture, variant = fixture or self._folded[number.strip().casefold()], True
            elif number in self._variants and _only_unknown_items(items):
                fixture, variant = fixture or self._variants[number], True  # likewise
            else:
                return Judgement(
                    tuple(numbers), refusal=f"order {number[:80]!r} is not a fixture order"
                )
        return Judgement(tuple(numbers), fixture, variant)


@dataclass
class Ledger:
    """Every request of the run that named a fixture order, and every refused one."""

    entries: list[LedgerEntry] = field(default_factory=list)
    generated: int = 0  # requests naming only generated (prefixed) order numbers
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(
        self, judgement: Judgement, source: str, method: str, status: int, code: str | None
    ) -> None:
        """Keep a request that went out."""
        with self._lock:
            if judgement.fixture is not None:
                self.entries.append(
                    LedgerEntry(judgement.fixture, source, method, status, code, judgement.variant)
                )
            elif judgement.numbers:
                self.generated += 1

    def refused(self, judgement: Judgement, source: str, method: str) -> None:
        """Keep a request the guard stopped."""
        with self._lock:
            number = next(iter(judgement.numbers), "")
            self.entries.append(
                LedgerEntry(number, source, method, refused=judgement.refusal or "refused")
            )

    @property
    def refusals(self) -> list[LedgerEntry]:
        """The requests that were not sent."""
        return [e for e in self.entries if e.refused is not None]

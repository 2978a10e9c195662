"""What the judge knows of a deployment besides its exchanges: orders, their channels, tokens.

Fixture facts (the fixtures file) and what an active run set up itself (an order number it made
up, a key it knows to be unknown, a variant of a fixture's number) are values of one kind, so both
reach the rules one way. Without any (traffic with no fixtures) the rules judge what the
exchanges show of each other.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from capture_order.conformance.fixtures import FixtureOrder, UncapturableOrder
from capture_order.conformance.traffic.channels import channel_of
from capture_order.contract.facts import capturable_statuses, order_statuses

AttributeValue = str | bool


@dataclass(frozen=True)
class KnownOrder:
    """An order number and what is known of it before the exchanges.

    `exists` False: no order of any channel has this number (a number the suite made up).
    `refusal`: the 409 code every capture of it must get (an uncapturable order), with the
    CO-CAP-06 case it exercises. `variant_of`: the fixture order whose number this one differs
    from only in case, spaces or Unicode form (CO-CAP-10), with that case.
    """

    number: str
    channel: str | None = None
    exists: bool = True
    items: tuple[int, ...] = ()
    status: str | None = None
    currency: str | None = None
    amount: Decimal | None = None
    item_amounts: Mapping[int, Decimal] = field(default_factory=dict, hash=False)
    item_attributes: Mapping[int, Mapping[str, AttributeValue]] = field(
        default_factory=dict, hash=False
    )
    refusal: str | None = None
    refusal_case: str | None = None
    variant_of: str | None = None
    variant_case: str | None = None

    @property
    def capturable(self) -> bool:
        """Whether the facts make it a capturable order with known items."""
        return self.exists and self.refusal is None and bool(self.items)


def _folded(number: str) -> str:
    return unicodedata.normalize("NFKC", number).strip().casefold()


def _variant_case(number: str, real: str) -> str:
    """The CO-CAP-10 case of a number that folds into a known one (white space, form, case)."""
    if number == f" {real}":
        return "surrounding-space"
    if number.strip() != number:
        return "surrounding-whitespace"
    if number.swapcase() == real or number.casefold() == real.casefold():
        return "other-case"
    return "unicode-form"


def refusal_of(order: UncapturableOrder) -> tuple[str, str]:
    """The CO-CAP-06 case an uncapturable order exercises, and the code it must get.

    With the order's facts (status, cancel_status) the code follows from the rule (cancelled,
    then refunded, then not capturable); without them, from the `code` the fixtures give.
    """
    if order.status is None or not order.cancel_status_known:
        case = {
            "order_cancelled": "cancelled",
            "order_refunded": "refunded",
            "order_not_capturable": "not-capturable",
        }[order.code]
        return case, order.code
    cancelled = order.cancel_status is not None
    if cancelled and order.status in order_statuses("refunded"):
        return "cancel-beats-refund", "order_cancelled"
    if cancelled and order.status in capturable_statuses():
        return "cancel-status", "order_cancelled"
    if cancelled or order.status in order_statuses("cancelled"):
        return "cancelled", "order_cancelled"
    if order.status in order_statuses("refunded"):
        return "refunded", "order_refunded"
    return "not-capturable", "order_not_capturable"


class Facts:
    """Known orders by number, and tokens by channel (valid or known to be unknown)."""

    def __init__(self, prefix: str | None = None) -> None:
        self.orders: dict[str, KnownOrder] = {}
        self.valid: set[str] = set()  # channels of tokens known to be valid
        self.unknown: set[str] = set()  # channels of well-formed tokens known to be unknown
        self.near_miss: set[str] = set()  # Authorization values one edit away from a valid one
        # (scenario, body) a scenario sent as one input of a class: the case its refusal
        # exercises, and whether the schema's 400 may also be malformed_json (CO-REQ-03). By
        # scenario: another may send the same bytes (an empty body, `{}`) for another case.
        self.body_cases: dict[tuple[str, bytes], tuple[str, bool]] = {}
        self.unknown_pks: set[int] = set()  # pks no item of any order has (a run's own)
        # An active run's prefix: no order has a number beginning with it, and an
        # Idempotency-Key beginning with it is new to the deployment at its first use.
        self.prefix = prefix
        self._folded: dict[str, str] | None = None  # folded number -> a known order's number
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.orders or self.valid or self.unknown or self.unknown_pks)

    def order(self, number: str | None) -> KnownOrder | None:
        """What is known of an order number (None: nothing)."""
        if number is None:
            return None
        found = self.orders.get(number)
        if found is None and self.prefix and number.startswith(self.prefix):
            return KnownOrder(number, exists=False)
        if found is None and self.orders:
            return self._variant(number)
        return found

    def _variant(self, number: str) -> KnownOrder | None:
        """A number that names a known order only once spaces, case or Unicode form are folded.

        Order numbers are matched exactly (CO-CAP-10), so it names no order; found by the folded
        form, kept per number (a stream asks again and again).
        """
        if self._folded is None or len(self._folded) != len(self.orders):
            self._folded = {
                _folded(n): n for n, o in self.orders.items() if o.exists and o.variant_of is None
            }
        real = self._folded.get(_folded(number))
        if real is None or real == number:
            return None
        case = _variant_case(number, real)
        variant = KnownOrder(
            number, exists=False, variant_of=real, variant_case=f"CO-CAP-10/{case}"
        )
        self.add(variant)
        return variant

    def add(self, order: KnownOrder) -> None:
        """Learn an order (a scenario's made-up number, a variant, a fixture)."""
        with self._lock:
            self.orders.setdefault(order.number, order)

    def token(self, authorization: str | None, *, valid: bool, near_miss: bool = False) -> None:
        """Learn a token (`Token <key>`): valid for its channel, or known to be unknown (and
        maybe one edit away from a valid key, CO-AUTH-01/near-miss-keys)."""
        if near_miss and authorization:
            # Kept as written, not by channel: a no-break space around the key is no part of
            # its channel (split() strips it) but is part of the value, which HTTP keeps.
            with self._lock:
                self.near_miss.add(authorization)
            return
        channel = channel_of(authorization)
        if channel is not None:
            with self._lock:
                (self.valid if valid else self.unknown).add(channel)

    def body_case(self, source: str, body: bytes, case: str, *, either: bool = False) -> None:
        """Learn that a scenario's body is an input of the case's class (its refusal exercises
        `case`)."""
        with self._lock:
            self.body_cases[source, body] = (case, either)

    def fresh_key(self, key: str | None) -> bool:
        """Whether the key is one the deployment cannot have seen before its first use here."""
        return bool(key and self.prefix and key.startswith(self.prefix))

    def add_fixtures(
        self,
        token: str | None,
        orders: Iterable[FixtureOrder],
        foreign_token: str | None = None,
        foreign_orders: Iterable[FixtureOrder] = (),
        uncapturable: Iterable[UncapturableOrder] = (),
    ) -> None:
        """Learn a fixtures file: channel A's token and orders, channel B's, uncapturable ones."""
        for value in (token, foreign_token):
            if value:
                self.token(value, valid=True)
        for owner, given in ((token, orders), (foreign_token, foreign_orders)):
            for order in given:
                self.add(
                    KnownOrder(
                        order.number,
                        channel_of(owner),
                        items=order.items,
                        status=order.status,
                        currency=order.currency,
                        amount=order.amount,
                        item_amounts=order.item_amounts,
                        item_attributes=order.item_attributes,
                    )
                )
        for refused in uncapturable:
            case, code = refusal_of(refused)
            self.add(
                KnownOrder(
                    refused.number,
                    channel_of(token),
                    status=refused.status,
                    refusal=code,
                    refusal_case=f"CO-CAP-06/{case}",
                )
            )

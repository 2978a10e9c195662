"""What the stream has shown so far of each order and token: the state every rule judges against.

The judge feeds an exchange to every rule first and writes it into the book after, so a rule
reads the state the request met. An order is known by its owner's channel (from the facts, else
the channel that asked) and its number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from capture_order.conformance.judge.judge_facts import Facts, KnownOrder
from capture_order.conformance.judge.rule import Recent
from capture_order.conformance.judge.seen import Seen

KEPT = 8  # executed captures, refusals and snapshots remembered per order
REPLAY_CODES = ("idempotency_key_reused", "idempotency_request_in_progress")


@dataclass(slots=True)
class OrderState:
    """One order as the stream has shown it."""

    captured: set[Any] = field(default_factory=set)  # pks captured, by the judge's count
    executed: list[Seen] = field(default_factory=list)  # its recent 200s that were not replays
    snapshots: dict[frozenset[Any], Seen] = field(default_factory=dict)  # captured_items -> 200
    full: Seen | None = None  # the first 200 that left it fully captured
    first: Seen | None = None  # its first executed 200 (for `status`)
    # Refused requests since its last 200, each with the case saying it captured nothing (the
    # orders rule writes these and judges them at the next 200).
    refusals: list[tuple[str, Seen]] = field(default_factory=list)
    losers: list[Seen] = field(default_factory=list)  # recent 409s "already captured"
    state_refusal: Seen | None = None  # the first 409 of an uncapturable order

    @property
    def last(self) -> Seen | None:
        """Its last executed 200."""
        return self.executed[-1] if self.executed else None


def executed_capture(seen: Seen) -> bool:
    """A 200 Order that is not a replay: the request was carried out."""
    return seen.status == 200 and not seen.marked and "capture_state" in seen.body


class Book:
    """Orders by (owner channel, number), and the channels whose tokens were accepted."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.orders: Recent[tuple[str | None, str], OrderState] = Recent()
        self.accepted: Recent[str, Seen] = Recent()  # token channel -> a request past 401
        self.refused: Recent[str, Seen] = Recent()  # token channel -> a well-formed key's 401
        self.owners: Recent[str, str] = Recent()  # order number -> channel of its first 200

    def owner(self, seen: Seen) -> str | None:
        """The channel an order belongs to: the facts', else the requester's."""
        known = self.facts.order(seen.order)
        if known is not None and known.channel is not None:
            return known.channel
        return seen.channel

    def state(self, seen: Seen) -> OrderState | None:
        """The order the request names, as seen so far (None: the request names none)."""
        if seen.order is None:
            return None
        return self.orders.touch((self.owner(seen), seen.order), OrderState())

    def known(self, seen: Seen) -> KnownOrder | None:
        """The facts of the order the request names."""
        return self.facts.order(seen.order)

    def valid_channel(self, channel: str | None) -> bool:
        """Whether a token channel is known to be valid (the facts, or accepted in the stream)."""
        return channel is not None and (channel in self.facts.valid or channel in self.accepted)

    def variant_state(self, seen: Seen) -> OrderState | None:
        """The fixture order a request's number is a variant of (CO-CAP-10), as seen so far."""
        known = self.known(seen)
        if known is None or known.variant_of is None:
            return None
        real = self.facts.order(known.variant_of)
        owner = real.channel if real is not None else seen.channel
        return self.orders.touch((owner, known.variant_of), OrderState())

    def owner_elsewhere(self, seen: Seen) -> str | None:
        """Another channel whose 200 captured this order number (traffic without facts)."""
        owner = self.owners.get(seen.order or "")
        return owner if owner is not None and owner != seen.channel else None

    def write(self, seen: Seen, well_formed: bool) -> None:
        """Take the exchange in, after every rule judged it (`well_formed`: its one credential)."""
        if seen.channel is not None and seen.status in (200, 404, 409, 422):
            self.accepted.touch(seen.channel, seen)
        elif seen.channel is not None and well_formed and seen.code == "authentication_failed":
            self.refused.touch(seen.channel, seen)
        first_200 = executed_capture(seen) and seen.order not in self.owners
        if first_200 and seen.order is not None and seen.channel is not None:
            self.owners.touch(seen.order, seen.channel)
        state = self.state(seen)
        if state is None or seen.status >= 500 or seen.marked or seen.code in REPLAY_CODES:
            return
        if executed_capture(seen):
            self._executed(state, seen)
            return
        if seen.status == 409 and seen.code == "order_already_captured":
            state.losers = [*state.losers[-KEPT + 1 :], seen]
        known = self.known(seen)
        if seen.status == 409 and known is not None and known.refusal is not None:
            state.state_refusal = state.state_refusal or seen

    def _executed(self, state: OrderState, seen: Seen) -> None:
        known = self.known(seen)
        state.captured |= set(seen.captured_now())
        state.executed = [*state.executed[-KEPT + 1 :], seen]
        if len(state.snapshots) < KEPT:
            state.snapshots[seen.captured_total()] = seen
        state.first = state.first or seen
        if known is not None and known.items:
            full = set(known.items) <= state.captured
        else:
            full = seen.body.get("capture_state") == "fully_captured"
        if full and state.full is None:
            state.full = seen
        state.refusals = []

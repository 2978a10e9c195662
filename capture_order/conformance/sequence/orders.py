"""One order across its captures: each item once, amounts adding up, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from capture_order.conformance.context import describe
from capture_order.conformance.order_expectations import expect_amounts_add_up
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sequence.rule import Need, Recent, Rule
from capture_order.conformance.sequence.seen import Seen, pk_order

ITEM_REFUSALS = {"order_item_not_found": "CO-CAP-03", "order_item_already_captured": "CO-CAP-04"}
LOSER_CODES = ("order_already_captured", "order_item_already_captured")
KEPT = 8  # executed captures and snapshots remembered per order


@dataclass(slots=True)
class OrderState:
    """What the traffic showed of one order of one channel."""

    executed: list[Seen] = field(default_factory=list)  # its 200s that were not replays
    snapshots: dict[frozenset[object], Seen] = field(default_factory=dict)  # captured_items ->
    full: Seen | None = None  # the first 200 that left it fully captured
    status: Seen | None = None  # the first 200, for its `status`
    refused: list[Seen] = field(default_factory=list)  # item refusals since the last 200
    pending: list[tuple[Seen, Seen]] = field(default_factory=list)  # (refusal, 409 captured)
    losers: list[Seen] = field(default_factory=list)  # recent 409s of an already captured order


class OrdersAreCapturedOnce(Rule):
    """Per channel and order: what the sequence of answers says about what was captured."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(
            "orders_are_captured_once",
            (
                Need("CO-CAP-05", "a capture of an order after a 200 captured it fully"),
                Need("CO-MON-02", "two captures of one order"),
                Need("CO-MON-01", "a capture of an order whose earlier captures were seen"),
                Need("CO-CAP-08", "a capture of an order whose earlier captures were seen"),
                Need("CO-CAP-09", "two captures of one order"),
                Need("CO-CONC-01", "two simultaneous captures of one order"),
                Need("CO-CAP-03", "a 422 order_item_not_found, then more captures of the order"),
                Need("CO-CAP-04", "a 409 order_item_already_captured, then more captures"),
            ),
            redactor,
        )
        self.orders: Recent[tuple[str | None, str], OrderState] = Recent()

    def feed(self, seen: Seen) -> None:
        if seen.order is None or seen.status >= 500:
            return
        state = self.orders.touch((seen.channel, seen.order), OrderState())
        if state.full is not None and seen.status in (200, 409):
            self.observe("CO-CAP-05")
        if seen.status == 200 and "capture_state" in seen.body and not seen.marked:
            self._executed(state, seen)
        elif seen.marked:
            return
        if seen.status == 409 and seen.code in LOSER_CODES:
            if any(seen.overlaps(e) for e in state.executed):
                self.observe("CO-CONC-01")  # a race, lost as the spec says
            state.losers = [*state.losers[-KEPT + 1 :], seen]
        if seen.status in (409, 422) and seen.code in ITEM_REFUSALS:
            self.observe(ITEM_REFUSALS[seen.code])
            state.refused = [*state.refused[-KEPT + 1 :], seen]
        elif seen.status == 409 and seen.code == "order_already_captured" and state.refused:
            state.pending.append((state.refused[-1], seen))

    def _executed(self, state: OrderState, seen: Seen) -> None:
        exchange = seen.exchange
        if state.full is not None:
            self.expect(
                False,
                "CO-CAP-05",
                "An order was captured again after it was fully captured",
                expected="409 order_already_captured",
                received=describe(exchange),
                exchanges=[state.full.exchange, exchange],
            )
        now = set(seen.captured_now())
        for earlier in state.executed:
            self.observe("CO-MON-02")
            common = now & set(earlier.captured_now())
            self.expect(
                not common,
                "CO-MON-02",
                "An item was captured twice",
                expected="each item in the capture.items of one 200 only",
                received=f"items {sorted(common, key=pk_order)} captured by both",
                exchanges=[earlier.exchange, exchange],
            )
            if seen.overlaps(earlier):
                self.observe("CO-CONC-01")
                self.expect(
                    not common,
                    "CO-CONC-01",
                    "Simultaneous captures both captured an item",
                    expected="one winner, the other 409",
                    received=f"both 200 for {sorted(common, key=pk_order)}",
                    exchanges=[earlier.exchange, exchange],
                )
        if any(seen.overlaps(loser) for loser in state.losers):
            self.observe("CO-CONC-01")
        self._adds_up(state, seen, now)
        if state.status is not None:
            self.observe("CO-CAP-09")
            before = state.status.body.get("status")
            self.expect(
                seen.body.get("status") == before,
                "CO-CAP-09",
                "Capture changed the order status",
                expected=f"status {before!r} as after the earlier capture",
                received=f"status {seen.body.get('status')!r}",
                exchanges=[state.status.exchange, exchange],
            )
        else:
            state.status = seen
        # A 200 after the refusals: whatever they left was captured in the open.
        state.pending, state.refused = [], []
        state.executed = [*state.executed[-KEPT + 1 :], seen]
        if len(state.snapshots) < KEPT:
            state.snapshots[seen.captured_total()] = seen
        if seen.body.get("capture_state") == "fully_captured" and state.full is None:
            state.full = seen

    def _adds_up(self, state: OrderState, seen: Seen, now: set[object]) -> None:
        before = seen.captured_total() - now
        previous = state.snapshots.get(before) if before else None
        if before and previous is None:
            return  # the capture before this one was not in the traffic
        self.observe("CO-MON-01")
        self.observe("CO-CAP-08")
        expect_amounts_add_up(
            self,
            seen.exchange,
            full=seen.body.get("capture_state") == "fully_captured",
            previous=previous.body if previous is not None else None,
            history=[previous.exchange] if previous is not None else [],
        )

    def finish(self) -> None:
        """Refusals followed by 'already captured' with no 200 between: items taken unseen."""
        for state in self.orders.values():
            for refused, conflict in state.pending[:1]:
                requirement = ITEM_REFUSALS[refused.code or ""]
                self.expect(
                    False,
                    requirement,
                    "After a refused capture the order was fully captured by no 200",
                    expected="a refused request captures nothing: its items stay capturable",
                    received=f"{describe(refused.exchange)[:160]}, then "
                    f"{describe(conflict.exchange)[:160]}",
                    exchanges=[refused.exchange, conflict.exchange],
                )

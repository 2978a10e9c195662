"""One order across its requests: each item captured once, refusals capturing nothing, races.

A refused request names items that must stay capturable: the order's next 200 shows whether
they did (an item it no longer finds was captured unseen). Two 200s never share an item, at
any time; simultaneous captures have one winner per item, the others are 409.
"""

from __future__ import annotations

from typing import Any

from capture_order.conformance.exact import exact_sum
from capture_order.conformance.judge.book import Book, OrderState, executed_capture
from capture_order.conformance.judge.broken import Expected
from capture_order.conformance.judge.rule import Judged, Rule
from capture_order.conformance.judge.seen import Seen
from capture_order.conformance.judge.values import describe, exact_number, obj, pk_order
from capture_order.conformance.reproduce import Redactor

LOSER_CODES = ("order_already_captured", "order_item_already_captured")
# A refused request's rule -> the case saying that it captured nothing.
NOTHING = {
    "CO-AUTH-01": "CO-AUTH-01/nothing-captured",
    "CO-REQ-02": "CO-REQ-02/nothing-captured",
    "CO-REQ-04": "CO-REQ-04/nothing-captured",
    "CO-REQ-05": "CO-REQ-05/nothing-captured",
    "CO-REQ-06": "CO-REQ-06/nothing-captured",
    "CO-CAP-03": "CO-CAP-03/nothing-captured",
    "CO-CAP-04": "CO-CAP-04/nothing-captured",
    "CO-OLA-01": "CO-OLA-01/foreign-order-untouched",
}
# Without the facts, a refusal's code says which rule refused it.
NOTHING_BY_CODE = {
    "order_item_not_found": "CO-CAP-03/nothing-captured",
    "order_item_already_captured": "CO-CAP-04/nothing-captured",
    "duplicate_order_item": "CO-REQ-06/nothing-captured",
    "idempotency_key_reused": "CO-IDEM-02/not-executed",
}
AFTER = "a refused request for an order, then a 200 of the order"
CASES = (
    Judged("CO-AUTH-01/nothing-captured", "a 401 for an order, then a 200 of the order"),
    Judged("CO-REQ-02/nothing-captured", "a 413 for an order, then a 200 of the order"),
    Judged("CO-REQ-04/nothing-captured", "a schema-invalid body for an order, then its 200"),
    Judged("CO-REQ-05/nothing-captured", "an unknown field for an order, then its 200"),
    Judged("CO-REQ-06/nothing-captured", "a 422 duplicate for an order, then its 200"),
    Judged("CO-CAP-03/nothing-captured", "a 422 order_item_not_found, then a 200 of the order"),
    Judged("CO-CAP-04/nothing-captured", "a 409 order_item_already_captured, then a 200"),
    Judged("CO-OLA-01/foreign-order-untouched", "another channel's 404, then the owner's 200"),
    Judged("CO-IDEM-02/not-executed", "a 422 idempotency_key_reused, then a 200 of the order"),
    Judged("CO-MON-02/second-request", "a capture of items an earlier 200 captured"),
    Judged("CO-MON-02/captures-add-up", "every capture of an order, up to its full capture"),
    Judged("CO-MON-02/parallel", "simultaneous captures of one order"),
    Judged("CO-CONC-01/one-item", "simultaneous captures of one item"),
    Judged("CO-CONC-01/whole-order", "simultaneous full captures of one order"),
    Judged("CO-CONC-02/seen-later", "a request after a 200, for an item it captured"),
)


def nothing_case(seen: Seen, expected: Expected, book: Book) -> str | None:
    """The case saying this refused request captured nothing (None: no such case)."""
    if seen.code == "idempotency_key_reused":
        return "CO-IDEM-02/not-executed"
    first = expected.first
    if first is not None:
        if first.requirement == "CO-OLA-02":
            known = book.known(seen)
            return known.variant_case if known is not None else None
        return NOTHING.get(first.requirement)
    return NOTHING_BY_CODE.get(seen.code or "")


class OrdersAreCapturedOnce(Rule):
    """Per order: nothing captured by a refusal, no item twice, one winner per race."""

    def __init__(self, redactor: Redactor, book: Book) -> None:
        super().__init__("orders_are_captured_once", CASES, redactor)
        self.book = book
        # A 409 "already captured" while the facts say the items are capturable: a race lost if
        # a simultaneous 200 took them, else the refusals before it took them (judged at the
        # end, when every answer is in).
        self.deferred: list[tuple[OrderState, Seen, Expected, list[tuple[str, Seen]]]] = []
        # Without the facts: refusals, then "already captured" with no 200 between them.
        self.pending: dict[int, tuple[OrderState, Seen]] = {}

    def feed_expected(self, seen: Seen, expected: Expected) -> None:
        """Judge one exchange against the order's history."""
        state = self.book.state(seen)
        if state is None or seen.status >= 500 or seen.marked:
            return
        if executed_capture(seen):
            self._executed(state, seen, expected)
            return
        if 400 <= seen.status < 500 and state.full is None:
            # Refused while items are left: the next 200 shows whether it took any.
            case = nothing_case(seen, expected, self.book)
            if case is not None:
                for refused in (state, self.book.variant_state(seen)):
                    if refused is not None:
                        refused.refusals = [*refused.refusals[-7:], (case, seen)]
        if seen.status == 409 and seen.code in LOSER_CODES:
            self._lost(state, seen, expected)

    def _lost(self, state: OrderState, seen: Seen, expected: Expected) -> None:
        """A 409 "already captured": after a 200 that captured the items, or in a race."""
        asked = set(seen.listed_pks()) if seen.items is not None else None
        for winner in state.executed:
            if asked is not None and not asked & set(winner.captured_now()):
                continue
            if winner.overlaps(seen):
                self._race(winner, seen)
            elif winner.exchange.started is not None and seen.exchange.started is not None:
                self.observe("CO-CONC-02/seen-later")
                if asked:
                    self.observe("CO-MON-02/second-request")
        if expected.captures is not None:
            self.deferred.append((state, seen, expected, list(state.refusals)))
        elif (
            seen.code == "order_already_captured"
            and state.refusals
            and state.full is None
            and self.book.known(seen) is None  # the facts would say where the items went
        ):
            self.pending.setdefault(id(state), (state, seen))

    def _executed(self, state: OrderState, seen: Seen, expected: Expected) -> None:
        self.pending.pop(id(state), None)  # what the refusals left was captured in the open
        now = set(seen.captured_now())
        for earlier in state.executed:
            common = now & set(earlier.captured_now())
            raced = seen.overlaps(earlier)
            if raced:
                self._race(earlier, seen)
            case = "CO-MON-02/parallel" if raced else "CO-MON-02/second-request"
            if common or not raced:
                self.expect(
                    not common,
                    case,
                    "An item was captured twice",
                    expected="each item in the capture.items of one 200 only",
                    received=f"items {sorted(common, key=pk_order)} captured by both",
                    exchanges=[earlier.exchange, seen.exchange],
                )
            if common and not raced:
                self.expect(
                    False,
                    "CO-CONC-02/seen-later",
                    "A request after a 200 did not see its capture",
                    expected="409 for the items the earlier 200 captured",
                    received=f"200 capturing {sorted(common, key=pk_order)} again",
                    exchanges=[earlier.exchange, seen.exchange],
                )
            if common and raced:
                self.expect(
                    False,
                    "CO-CONC-01/one-item" if seen.items is not None else "CO-CONC-01/whole-order",
                    "Simultaneous captures both captured an item",
                    expected="one winner, the others 409",
                    received=f"both 200 for {sorted(common, key=pk_order)}",
                    exchanges=[earlier.exchange, seen.exchange],
                )
        for loser in state.losers:
            if seen.overlaps(loser):
                self._race(seen, loser)
        self._refusals_took_nothing(state, seen, expected)
        self._add_up(state, seen)

    def _race(self, one: Seen, other: Seen) -> None:
        """Two simultaneous captures of one order: each item has one winner."""
        if one.items is None and other.items is None:
            self.observe("CO-CONC-01/whole-order")
        elif len(one.listed_pks()) == 1 and one.listed_pks() == other.listed_pks():
            self.observe("CO-CONC-01/one-item")
        self.observe("CO-MON-02/parallel")

    def _refusals_took_nothing(self, state: OrderState, seen: Seen, expected: Expected) -> None:
        """This 200 shows what the order's refused requests since its last 200 left."""
        if not state.refusals:
            return
        before = seen.captured_total() - set(seen.captured_now())
        unseen = set(before) - state.captured
        if expected.captures is not None and seen.items is None:
            unseen |= set(expected.captures) - set(seen.captured_now())
        if unseen:
            self._taken_unseen(state.refusals, seen, sorted(unseen, key=pk_order))
            return
        for case, _ in state.refusals:
            self.observe(case)

    def _taken_unseen(self, refusals: list[tuple[str, Seen]], seen: Seen, items: list[Any]) -> None:
        for case, refused in refusals:
            self.expect(
                False,
                case,
                "A refused request captured (part of) the order",
                expected="a refused request captures nothing: its items stay capturable",
                received=f"items {items} were captured by no 200 of the order; "
                f"{describe(refused.exchange)[:160]}, then {describe(seen.exchange)[:160]}",
                exchanges=[refused.exchange, seen.exchange],
            )

    def _add_up(self, state: OrderState, seen: Seen) -> None:
        """At the full capture, the captures of the order add up to its amount."""
        known = self.book.known(seen)
        if seen.body.get("capture_state") != "fully_captured" or state.full is not None:
            return
        captures = [*state.executed, seen]
        if known is None or not known.items:
            # Without the facts: only when the stream holds the order's first capture.
            if not state.executed and seen.captured_total() != set(seen.captured_now()):
                return
            if state.executed and state.executed[0].captured_total() != set(
                state.executed[0].captured_now()
            ):
                return
        amounts = [exact_number(obj(c.body.get("capture")).get("amount")) for c in captures]
        total, amount = seen.amount("captured_amount"), seen.amount("amount")
        if any(a is None for a in amounts) or total is None or amount is None:
            return
        added = exact_sum(a for a in amounts if a is not None)
        self.expect(
            added == total == amount,
            "CO-MON-02/captures-add-up",
            "The captures of an order do not add up to its amount",
            expected=f"sum of capture.amount == captured_amount == amount ({amount})",
            received=f"capture amounts {[str(a) for a in amounts]}, captured_amount {total}",
            exchanges=[c.exchange for c in captures[-2:]],
        )

    def finish(self) -> None:
        """The 409s "already captured" that only the whole stream explains, or does not."""
        for state, loser, expected, refusals in self.deferred:
            wanted = set(expected.captures or ())
            winners = [
                w
                for w in state.executed
                if w.overlaps(loser) and (loser.items is None or wanted & set(w.captured_now()))
            ]
            for winner in winners:
                self._race(winner, loser)
            if winners:
                continue
            left = sorted(wanted - state.captured, key=pk_order)
            self._taken_unseen(refusals, loser, left)
            self.expect(
                False,
                expected.cases[0],
                "A capture of a capturable order was refused as already captured",
                expected=f"200 capturing {sorted(wanted, key=pk_order)}",
                received=describe(loser.exchange),
                exchanges=[*(r.exchange for _, r in refusals[-1:]), loser.exchange],
            )
        for state, conflict in self.pending.values():
            self._taken_unseen(state.refusals[:1], conflict, [])

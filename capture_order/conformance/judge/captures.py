"""Each capture by itself: the answer a capturable order gets, and what its 200 reports.

Every 200 is judged by what it says of itself (amounts, state, items, the request it answers);
where the facts know the order, also by what it must have captured: the items not captured
before, or exactly the listed ones, at the amounts and with the attributes the facts give.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from capture_order.conformance.exact import EXACT, exact_sum
from capture_order.conformance.judge.book import Book, OrderState, executed_capture
from capture_order.conformance.judge.broken import Expected
from capture_order.conformance.judge.judge_facts import KnownOrder
from capture_order.conformance.judge.rule import Judged, Rule
from capture_order.conformance.judge.seen import Seen
from capture_order.conformance.judge.values import (
    amounts_pass,
    bad_amount,
    describe,
    exact_number,
    integer,
    listed,
    obj,
    pk_order,
)
from capture_order.conformance.reproduce import Redactor
from capture_order.contract.facts import (
    DEFAULT_MINOR_UNITS,
    capturable_statuses,
    minor_digits,
    money_fields,
)

FULL = "fully_captured"
PARTIAL = "partially_captured"
LOSER_CODES = ("order_already_captured", "order_item_already_captured")
REPLAY_CODES = ("idempotency_key_reused", "idempotency_request_in_progress")
# Order properties holding amounts (`$ref: Money`), checked for CO-MON-03.
MONEY_FIELDS = money_fields("Order")
A_200 = "a 200 Order"
THREE_DIGITS = "CO-MON-03/three-digit-currencies"
CASES = (
    Judged("CO-CAP-01/whole-order", "a capture without order_items of a capturable order"),
    Judged("CO-CAP-01/rest-after-partial", "a capture without order_items after a partial one"),
    Judged("CO-CAP-02/listed-items-only", "a capture with order_items"),
    Judged("CO-CAP-02/others-stay-capturable", "a capture of items left by a partial capture"),
    Judged("CO-CAP-07/given-replace", "a 200 for a capture listing item attributes"),
    Judged("CO-CAP-07/absent-kept", "a 200 for an order whose items' attributes the facts give"),
    Judged("CO-CAP-08/capture-items", A_200),
    Judged("CO-CAP-08/cumulative-items", "a 200 for an order whose earlier captures are known"),
    Judged("CO-CAP-08/capture-state", A_200),
    Judged("CO-CAP-08/capture-amount", "a 200 for an order whose earlier captures are known"),
    Judged("CO-CAP-08/item-amounts-known", "a 200 for an order whose items' amounts are facts"),
    Judged("CO-CAP-08/cumulative-amount", "a 200 for an order whose amounts the facts give"),
    Judged("CO-CAP-09/status-stable", A_200),
    Judged("CO-CAP-09/status-as-before", "a 200 for an order whose status the facts give"),
    Judged("CO-CAP-10/as-sent", A_200),
    Judged("CO-MON-01/never-exceeds", A_200),
    Judged("CO-MON-01/full-equals-amount", "a 200 that leaves an order fully captured"),
    Judged("CO-MON-01/grows-by-capture", "a 200 for an order whose earlier captures are known"),
    Judged("CO-MON-01/zero-amount-item", "captures of an order with a free item (facts)"),
    Judged("CO-MON-01/amount-as-authorized", "a 200 for an order whose amount the facts give"),
    Judged("CO-MON-03/digits", A_200),
    Judged(THREE_DIGITS, "a 200 for an order in a currency of three fractional digits"),
    Judged("CO-MON-03/currency-as-given", "a 200 for an order whose currency the facts give"),
    Judged("CO-RSP-02/generated-fixture-order", "a generated request for a fixture order, a 200"),
)


def _pks(items: Sequence[Any]) -> list[Any]:
    return [obj(i).get("pk") for i in items]


class CapturesReportWhatTheyDid(Rule):
    """A capturable order's capture is a 200 whose body tells exactly what it captured."""

    def __init__(self, redactor: Redactor, book: Book) -> None:
        super().__init__("captures_report_what_they_did", CASES, redactor)
        self.book = book
        self._capturable = sorted(capturable_statuses())

    def feed_expected(self, seen: Seen, expected: Expected) -> None:
        """Judge one exchange: a capture the facts expect, and every 200."""
        if expected.captures is not None and not executed_capture(seen):
            self._not_captured(seen, expected)
        if not executed_capture(seen):
            return
        state = self.book.state(seen)
        known = self.book.known(seen)
        exchange = seen.exchange
        body = seen.body
        if exchange.source.startswith("fuzz") and known is not None and known.exists:
            self.observe("CO-RSP-02/generated-fixture-order")  # its body: the Order sweep's
        self._money(seen, known)
        if seen.order is not None:
            self.expect(
                body.get("number") == seen.order,
                "CO-CAP-10/as-sent",
                "The 200 is for another order number than the one asked for",
                expected=f"number {seen.order!r}",
                received=f"number {body.get('number')!r}",
                exchanges=[exchange],
            )
        now = seen.captured_now()
        total = seen.captured_total()
        self.expect(
            set(now) <= total and now == sorted(now, key=pk_order),
            "CO-CAP-08/capture-items",
            "capture.items are not among captured_items (or not in pk order)",
            expected="capture.items in ascending pk order, each in captured_items",
            received=f"capture.items {now}, captured_items {sorted(total, key=pk_order)}",
            exchanges=[exchange],
        )
        self._status(seen, state, known)
        if expected.captures is not None and state is not None and known is not None:
            self._as_known(seen, expected, state, known)
        else:
            self._fits_request(seen, state)
        self._amounts_add_up(seen, state, known)
        self._attributes(seen, known)

    def _not_captured(self, seen: Seen, expected: Expected) -> None:
        """A capturable order's capture got no 200: a lost race, a key's answer, or wrong."""
        if seen.marked or seen.code in REPLAY_CODES or seen.status >= 500:
            return  # replays and key reuse: the keys rule; a 5xx: the no-5xx sweep
        if seen.status == 409 and seen.code in LOSER_CODES:
            return  # a race lost, or items taken unseen: the orders rule judges it at the end
        wanted = sorted(expected.captures or (), key=pk_order)
        self.expect(
            False,
            expected.cases[0],
            "A capture of a capturable order was not carried out",
            expected=f"200 capturing {wanted}",
            received=describe(seen.exchange),
            exchanges=[*_history(self.book.state(seen)), seen.exchange],
        )

    def _status(self, seen: Seen, state: OrderState | None, known: KnownOrder | None) -> None:
        status = seen.body.get("status")
        self.expect(
            status in self._capturable,
            "CO-CAP-09/status-stable",
            "A capture left the order in a status that is not capturable",
            expected=f"the capturable status it had ({', '.join(self._capturable)})",
            received=f"status {status!r}",
            exchanges=[seen.exchange],
        )
        first = state.first if state is not None else None
        if first is not None and first is not seen:
            before = first.body.get("status")
            self.expect(
                status == before,
                "CO-CAP-09/status-stable",
                "Capture changed the order status",
                expected=f"status {before!r} as after the earlier capture",
                received=f"status {status!r}",
                exchanges=[first.exchange, seen.exchange],
            )
        if known is not None and known.status is not None:
            self.expect(
                status == known.status,
                "CO-CAP-09/status-as-before",
                "Capture changed the order status the fixtures give",
                expected=f"status {known.status!r}, as before the capture",
                received=f"status {status!r}",
                exchanges=[seen.exchange],
            )

    def _money(self, seen: Seen, known: KnownOrder | None) -> None:
        """Amounts: non-negative, currency digits (CO-MON-03), never above `amount` (CO-MON-01)."""
        exchange = seen.exchange
        body = seen.body
        currency = body.get("currency")
        if known is not None and known.currency is not None:
            self.expect(
                currency == known.currency,
                "CO-MON-03/currency-as-given",
                "The order's currency is not the one the fixtures give",
                expected=f"currency {known.currency!r}",
                received=f"currency {currency!r}",
                exchanges=[exchange],
            )
            currency = known.currency
        digits = minor_digits(currency if isinstance(currency, str) else None)
        capture = obj(body.get("capture"))
        items = [item for item in listed(capture.get("items")) if isinstance(item, dict)]
        values = [body.get(name) for name in MONEY_FIELDS]
        values.append(capture.get("amount"))
        values += [item.get("amount") for item in items]
        # An order in a currency of three fractional digits (`kwd`, ...) tries that clause too.
        cases = ("CO-MON-03/digits", *((THREE_DIGITS,) if digits > DEFAULT_MINOR_UNITS else ()))
        if amounts_pass(values, digits):
            for case in cases:
                self.observe(case)
        else:
            names = [
                *MONEY_FIELDS,
                "capture.amount",
                *(f"capture.items[{index}].amount" for index in range(len(items))),
            ]
            bad = [f"{n}={v}" for n, v in zip(names, values, strict=True) if bad_amount(v, digits)]
            for case in cases:
                self.expect(
                    False,
                    case,
                    "Amount is negative or has too many fractional digits",
                    expected=f"non-negative amounts with at most {digits} fractional digits "
                    f"({currency})",
                    received=", ".join(bad),
                    exchanges=[exchange],
                )
        amount, captured = seen.amount("amount"), seen.amount("captured_amount")
        state = body.get("capture_state")
        if amount is None or captured is None:
            return  # the schema sweep reports a missing or non-numeric amount
        self.expect(
            captured <= amount,
            "CO-MON-01/never-exceeds",
            "Captured more than authorized",
            expected=f"captured_amount <= amount ({amount})",
            received=f"captured_amount {captured}",
            exchanges=[exchange],
        )
        # Partially captured may have captured everything when only free items are left.
        if state == FULL:
            self.expect(
                captured == amount,
                "CO-MON-01/full-equals-amount",
                "A fully captured order has captured another amount than its amount",
                expected=f"captured_amount == amount ({amount}) when {FULL}",
                received=f"capture_state {state}, captured_amount {captured}",
                exchanges=[exchange],
            )
        if known is not None and known.amount is not None:
            self.expect(
                amount == known.amount,
                "CO-MON-01/amount-as-authorized",
                "The order's amount is not the authorized amount the fixtures give",
                expected=f"amount {known.amount}",
                received=f"amount {body.get('amount')}",
                exchanges=[exchange],
            )

    def _fits_request(self, seen: Seen, state: OrderState | None) -> None:
        """Without facts of the order: the 200 fits the request it answers."""
        exchange = seen.exchange
        before = bool(state is not None and state.executed)
        if seen.items is None:
            case = "CO-CAP-01/rest-after-partial" if before else "CO-CAP-01/whole-order"
            self.expect(
                seen.body.get("capture_state") == FULL,
                case,
                "A capture without order_items left items uncaptured",
                expected=f"capture_state {FULL}",
                received=f"capture_state {seen.body.get('capture_state')}",
                exchanges=[exchange],
            )
            return
        asked = sorted(set(seen.listed_pks()))
        now = sorted(seen.captured_now(), key=pk_order)
        self.expect(
            now == asked,
            "CO-CAP-02/others-stay-capturable" if before else "CO-CAP-02/listed-items-only",
            "A partial capture captured other items than the listed ones",
            expected=f"capture.items {asked}",
            received=f"capture.items {now}",
            exchanges=[exchange],
        )

    def _as_known(
        self, seen: Seen, expected: Expected, state: OrderState, known: KnownOrder
    ) -> None:
        """With the order's facts: exactly the items expected, and the state they leave."""
        exchange = seen.exchange
        body = seen.body
        shown = [*_history(state), exchange]
        now = seen.captured_now()
        wanted = sorted(expected.captures or (), key=pk_order)
        total = sorted(state.captured | set(wanted), key=pk_order)
        full = set(known.items) <= set(total)
        received = json.dumps(
            {
                "number": body.get("number"),
                "capture.items": now,
                "captured_items": body.get("captured_items"),
                "capture_state": body.get("capture_state"),
            },
            default=str,
        )
        for case in expected.cases:
            self.expect(
                now == wanted,
                case,
                "The capture did not capture exactly the items it should",
                expected=f"capture.items {wanted}",
                received=received,
                exchanges=shown,
            )
        self.expect(
            now == wanted,
            "CO-CAP-08/capture-items",
            "capture.items are not this request's items",
            expected=f"capture.items {wanted}",
            received=received,
            exchanges=shown,
        )
        self.expect(
            body.get("captured_items") == total,
            "CO-CAP-08/cumulative-items",
            "captured_items are not every item captured so far",
            expected=f"captured_items {total}",
            received=received,
            exchanges=shown,
        )
        state_wanted = FULL if full else PARTIAL
        self.expect(
            body.get("capture_state") == state_wanted,
            "CO-CAP-08/capture-state",
            "capture_state does not tell whether items are left",
            expected=f"capture_state {state_wanted}",
            received=received,
            exchanges=shown,
        )
        self._item_amounts(seen, known, shown)
        self._cumulative_amount(seen, known, set(total), shown)
        self._free_items_left(seen, known, set(total), shown)

    def _cumulative_amount(
        self, seen: Seen, known: KnownOrder, total: set[Any], shown: list[Any]
    ) -> None:
        """`captured_amount` is what the items captured so far cost, the whole `amount` once
        no item is left (the rest, shipping, goes with the final capture)."""
        amounts = known.item_amounts
        if not amounts or not set(known.items) <= set(amounts) or known.amount is None:
            return
        captured = seen.amount("captured_amount")
        if captured is None:
            return  # the schema sweep reports a missing or non-numeric amount
        full = set(known.items) <= total
        wanted = known.amount if full else exact_sum(amounts[pk] for pk in total)
        self.expect(
            captured == wanted,
            "CO-CAP-08/cumulative-amount",
            "captured_amount is not what the items captured so far cost",
            expected=f"captured_amount {wanted} (the fixtures' amounts of {len(total)} items"
            + (", the whole amount" if full else "")
            + ")",
            received=f"captured_amount {captured}",
            exchanges=shown,
        )

    def _item_amounts(self, seen: Seen, known: KnownOrder, shown: list[Any]) -> None:
        items = [obj(i) for i in listed(obj(seen.body.get("capture")).get("items"))]
        facts = known.item_amounts
        if not facts:
            return
        wrong = [
            f"pk {i.get('pk')}: {i.get('amount')} (fixtures: {facts[i['pk']]})"
            for i in items
            if i.get("pk") in facts and exact_number(i.get("amount")) != facts[i["pk"]]
        ]
        self.expect(
            not wrong,
            "CO-CAP-08/item-amounts-known",
            "A captured item's amount is not the one the fixtures give",
            expected="capture.items[].amount as in the fixtures",
            received="; ".join(wrong),
            exchanges=shown,
        )

    def _free_items_left(
        self, seen: Seen, known: KnownOrder, total: set[Any], shown: list[Any]
    ) -> None:
        """With only free items left, the order is partially captured at its whole amount."""
        amounts = known.item_amounts
        left = [pk for pk in known.items if pk not in total]
        if not amounts or not set(known.items) <= set(amounts) or known.amount is None:
            return
        free_left = bool(left) and all(amounts[pk] == 0 for pk in left)
        free_now = all(amounts.get(pk) == 0 for pk in seen.captured_now()) and not left
        if not (free_left or free_now) or known.amount != exact_sum(amounts.values()):
            return
        body = seen.body
        capture_amount = exact_number(obj(body.get("capture")).get("amount"))
        captured = exact_number(body.get("captured_amount"))
        if free_left:
            ok = body.get("capture_state") == PARTIAL and captured == known.amount
            wanted = f"capture_state {PARTIAL}, captured_amount == amount == {known.amount}"
        else:
            ok = body.get("capture_state") == FULL and capture_amount == 0
            wanted = f"capture_state {FULL}, capture.amount 0, captured_amount {known.amount}"
            ok = ok and captured == known.amount
        self.expect(
            ok,
            "CO-MON-01/zero-amount-item",
            "With only free items left, the amounts or the state are not as the rule says",
            expected=wanted,
            received=f"capture_state {body.get('capture_state')}, capture.amount "
            f"{capture_amount}, captured_amount {captured}",
            exchanges=shown,
        )

    def _attributes(self, seen: Seen, known: KnownOrder | None) -> None:
        """Given attributes replace an item's; without, the facts' attributes are kept."""
        given = {
            i["pk"]: i["attributes"]
            for i in seen.items or []
            if isinstance(i, dict)
            and integer(i.get("pk"))
            and isinstance(i.get("attributes"), dict)
        }
        items = listed(obj(obj(seen.exchange.json()).get("capture")).get("items"))
        # Integer pks only: a list where a pk belongs is the schema sweep's finding.
        shown = {
            i["pk"]: i.get("attributes")
            for i in items
            if isinstance(i, dict) and integer(i.get("pk"))
        }
        if given:
            wrong = {pk: shown.get(pk) for pk, value in given.items() if shown.get(pk) != value}
            self.expect(
                not wrong,
                "CO-CAP-07/given-replace",
                "The captured items' attributes are not the ones given",
                expected=json.dumps({str(k): v for k, v in given.items()}),
                received=json.dumps({str(k): v for k, v in wrong.items()}),
                exchanges=[seen.exchange],
            )
        facts = known.item_attributes if known is not None else {}
        kept = [pk for pk in shown if isinstance(pk, int) and pk in facts and pk not in given]
        if not kept:
            return
        wrong_kept = [
            f"pk {pk}: {shown[pk]} (fixtures: {dict(facts[pk])})"
            for pk in kept
            if shown[pk] != facts[pk]
        ]
        self.expect(
            not wrong_kept,
            "CO-CAP-07/absent-kept",
            "An item captured without attributes did not keep its attributes",
            expected="capture.items[].attributes as the fixtures give them",
            received="; ".join(wrong_kept),
            exchanges=[seen.exchange],
        )

    def _amounts_add_up(
        self, seen: Seen, state: OrderState | None, known: KnownOrder | None
    ) -> None:
        """`capture.amount` is what this request added to `captured_amount` (CO-CAP-08, CO-MON-01).

        A capture that leaves items uncaptured takes exactly its items' amounts; the final one
        also takes the rest of the order amount that no item carries, so that `captured_amount`
        ends equal to `amount`. The arithmetic is exact: the numbers are read as Decimal.
        """
        body = seen.body
        now = set(seen.captured_now())
        previous: Seen | None = None
        if known is not None and known.items and state is not None:
            previous = state.last
        elif state is not None:
            before = seen.captured_total() - now
            previous = state.snapshots.get(before) if before else None
            if before and previous is None:
                return  # the capture before this one was not in the stream
        elif seen.captured_total() - now:
            return
        capture = obj(body.get("capture"))
        amount = exact_number(body.get("amount"))
        captured = exact_number(body.get("captured_amount"))
        this = exact_number(capture.get("amount"))
        before_amount = (
            Decimal(0) if previous is None else exact_number(previous.body.get("captured_amount"))
        )
        items = [exact_number(obj(i).get("amount")) for i in listed(capture.get("items"))]
        item_amounts = [a for a in items if a is not None]
        if amount is None or captured is None or this is None or before_amount is None:
            return  # the schema sweep reports a missing or non-numeric amount
        full = body.get("capture_state") == FULL
        history = [previous.exchange] if previous is not None else []
        shown = [*history, seen.exchange]
        if len(item_amounts) == len(items):
            item_sum = exact_sum(item_amounts)
            adds_up = this >= item_sum if full else this == item_sum
            self.expect(
                adds_up,
                "CO-CAP-08/capture-amount",
                "capture.amount is less than the captured items' amounts"
                if full
                else "capture.amount is not the sum of the captured items' amounts",
                expected=f"capture.amount >= {item_sum} (the items, plus the rest of amount on "
                "the final capture)"
                if full
                else f"capture.amount == {item_sum} (the sum of capture.items[].amount)",
                received=f"capture.amount {this} for items amounting to {item_sum}",
                exchanges=shown,
            )
        self.expect(
            captured == EXACT.add(before_amount, this),
            "CO-MON-01/grows-by-capture",
            "captured_amount did not grow by exactly capture.amount",
            expected=f"captured_amount == {before_amount} (before) + {this} (capture.amount)",
            received=f"captured_amount {captured}",
            exchanges=shown,
        )
        if full:
            self.expect(
                this == EXACT.subtract(amount, before_amount),
                "CO-CAP-08/capture-amount",
                "The final capture did not take the rest of the order amount",
                expected="capture.amount == amount - captured before == "
                f"{amount} - {before_amount}",
                received=f"capture.amount {this}",
                exchanges=shown,
            )


def _history(state: OrderState | None) -> list[Any]:
    """The order's last 200 before this exchange, to reproduce the state it met."""
    last = state.last if state is not None else None
    return [last.exchange] if last is not None else []

"""Each 200 by itself: exact money, a state that fits the amounts, what the request asked for."""

from __future__ import annotations

import json

from capture_order.conformance.order_expectations import expect_money_rules, listed, obj
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sequence.rule import Need, Rule
from capture_order.conformance.sequence.seen import Seen, pk_order
from capture_order.contract.facts import capturable_statuses

FULL = "fully_captured"


class CapturesReportWhatTheyDid(Rule):
    """A 200's amounts, state and items agree with each other and with its request."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(
            "captures_report_what_they_did",
            (
                Need("CO-MON-03", "a 200 Order"),
                Need("CO-MON-01", "a 200 Order"),
                Need("CO-CAP-08", "a 200 Order"),
                Need("CO-CAP-09", "a 200 Order"),
                Need("CO-CAP-01", "a 200 for a capture without order_items"),
                Need("CO-CAP-02", "a 200 for a capture with order_items"),
                Need("CO-CAP-07", "a 200 for a capture listing item attributes"),
                Need("CO-CAP-10", "a 200 Order"),
            ),
            redactor,
        )
        self._capturable = sorted(capturable_statuses())

    def feed(self, seen: Seen) -> None:
        body = seen.body
        if seen.status != 200 or "capture_state" not in body:
            return
        exchange = seen.exchange
        for requirement in ("CO-MON-03", "CO-MON-01", "CO-CAP-08", "CO-CAP-09", "CO-CAP-10"):
            self.observe(requirement)
        expect_money_rules(self, exchange)
        # Order numbers match exactly: the 200 is for the number asked for, as written.
        # Each check builds its message only when it fails: most 200s pass them all.
        if not (seen.order is None or body.get("number") == seen.order):
            self.expect(
                False,
                "CO-CAP-10",
                "The 200 is for another order number than the one asked for",
                expected=f"number {seen.order!r}",
                received=f"number {body.get('number')!r}",
                exchanges=[exchange],
            )
        amount, captured = seen.amount("amount"), seen.amount("captured_amount")
        state, now, total = body.get("capture_state"), seen.captured_now(), seen.captured_total()
        # Partially captured may have captured everything when only free items are left.
        if (
            amount is not None
            and captured is not None
            and not (captured == amount if state == FULL else captured <= amount)
        ):
            self.expect(
                False,
                "CO-CAP-08",
                "capture_state does not match the amounts",
                expected=f"captured_amount == amount ({amount}) when {FULL}, at most it otherwise",
                received=f"capture_state {state}, captured_amount {captured}",
                exchanges=[exchange],
            )
        if not (set(now) <= total and now == sorted(now, key=pk_order)):
            self.expect(
                False,
                "CO-CAP-08",
                "capture.items are not among captured_items (or not in pk order)",
                expected="capture.items in ascending pk order, each in captured_items",
                received=f"capture.items {now}, captured_items {sorted(total)}",
                exchanges=[exchange],
            )
        if body.get("status") not in self._capturable:
            self.expect(
                False,
                "CO-CAP-09",
                "A capture left the order in a status that is not capturable",
                expected=f"the capturable status it had ({', '.join(self._capturable)})",
                received=f"status {body.get('status')!r}",
                exchanges=[exchange],
            )
        if not seen.marked:
            self._fits_request(seen, now)

    def _fits_request(self, seen: Seen, now: list[object]) -> None:
        exchange = seen.exchange
        if seen.items is None:
            self.observe("CO-CAP-01")
            self.expect(
                seen.body.get("capture_state") == FULL,
                "CO-CAP-01",
                "A capture without order_items left items uncaptured",
                expected=f"capture_state {FULL}",
                received=f"capture_state {seen.body.get('capture_state')}",
                exchanges=[exchange],
            )
            return
        asked = sorted(set(seen.listed_pks()))
        self.observe("CO-CAP-02")
        self.expect(
            sorted(now, key=pk_order) == asked,
            "CO-CAP-02",
            "A partial capture captured other items than the listed ones",
            expected=f"capture.items {asked}",
            received=f"capture.items {now}",
            exchanges=[exchange],
        )
        given = {
            i["pk"]: i["attributes"]
            for i in seen.items or []
            if isinstance(i, dict) and isinstance(i.get("attributes"), dict)
        }
        if not given:
            return
        self.observe("CO-CAP-07")
        items = listed(obj(obj(seen.exchange.json()).get("capture")).get("items"))
        shown = {i.get("pk"): i.get("attributes") for i in items if isinstance(i, dict)}
        wrong = {
            pk: shown.get(pk) for pk, attributes in given.items() if shown.get(pk) != attributes
        }
        self.expect(
            not wrong,
            "CO-CAP-07",
            "The captured items' attributes are not the ones given",
            expected=json.dumps({str(k): v for k, v in given.items()}),
            received=json.dumps({str(k): v for k, v in wrong.items()}),
            exchanges=[exchange],
        )

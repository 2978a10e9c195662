"""Every 404 for an order looks alike, so another channel's order passes for an unknown one."""

from __future__ import annotations

from capture_order.conformance.judge.book import Book
from capture_order.conformance.judge.broken import Expected
from capture_order.conformance.judge.rule import Judged, Recent, Rule
from capture_order.conformance.judge.seen import Seen
from capture_order.conformance.reproduce import Redactor

COMPARED = ("type", "title", "code", "detail")
CASES = (
    Judged(
        "CO-OLA-02/same-404",
        "a 404 for an order of another channel, and one for a number no order has",
    ),
)


class NotFoundLooksAlike(Rule):
    """404 order_not_found: one status, media type, type, title, code, detail and set of fields."""

    def __init__(self, redactor: Redactor, book: Book) -> None:
        super().__init__("not_found_looks_alike", CASES, redactor)
        self.book = book
        self.first: Seen | None = None
        self.foreign: Seen | None = None  # a 404 for another channel's order
        self.missed: Recent[str, str] = Recent()  # order -> channel that got a 404 for it

    def _shape(self, seen: Seen) -> tuple[object, ...]:
        body = seen.exchange.json() if isinstance(seen.exchange.json(), dict) else {}
        return (seen.exchange.media_type, *(body.get(k) for k in COMPARED), tuple(sorted(body)))

    def feed_expected(self, seen: Seen, expected: Expected) -> None:
        """Compare each 404 for an order with the first one."""
        if seen.order is None or seen.channel is None:
            return
        if seen.status == 200 and not seen.marked:
            if self.missed.get(seen.order, seen.channel) != seen.channel:
                self.observe("CO-OLA-02/same-404")  # an earlier 404 was another channel's order
            return
        first = expected.first
        foreign = first is not None and first.requirement == "CO-OLA-01"
        if seen.status != 404 or seen.code != "order_not_found":
            return
        if foreign or self.book.owner_elsewhere(seen) is not None:
            self.observe("CO-OLA-02/same-404")
        self.missed.touch(seen.order, seen.channel)
        if self.first is None:
            self.first = seen
            return
        a, b = self._shape(self.first), self._shape(seen)
        differences = [
            f"{name} {x!r} vs {y!r}"
            for name, x, y in zip(("media type", *COMPARED, "fields"), a, b, strict=True)
            if x != y
        ]
        if differences:
            self.expect(
                False,
                "CO-OLA-02/same-404",
                "Two 404s for orders differ",
                expected="the same 404 (media type, type, title, code, detail, fields)",
                received="; ".join(differences),
                exchanges=[self.first.exchange, seen.exchange],
            )

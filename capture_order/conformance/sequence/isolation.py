"""Every 404 for an order looks alike, so another channel's order passes for an unknown one."""

from __future__ import annotations

from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sequence.rule import Need, Recent, Rule
from capture_order.conformance.sequence.seen import Seen

COMPARED = ("type", "title", "code", "detail")


class NotFoundLooksAlike(Rule):
    """404 order_not_found: one status, media type, type, title, code, detail and set of fields."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(
            "not_found_looks_alike",
            (Need("CO-OLA-02", "a 404 for an order another channel captured, and any other 404"),),
            redactor,
        )
        self.first: Seen | None = None
        self.missed: Recent[str, str] = Recent()  # order -> channel that got a 404 for it
        self.captured: Recent[str, str] = Recent()  # order -> channel whose 200 captured it

    def _shape(self, seen: Seen) -> tuple[object, ...]:
        body = seen.exchange.json() if isinstance(seen.exchange.json(), dict) else {}
        return (seen.exchange.media_type, *(body.get(k) for k in COMPARED), tuple(sorted(body)))

    def feed(self, seen: Seen) -> None:
        if seen.order is None or seen.channel is None:
            return
        if seen.status == 200:
            self.captured.touch(seen.order, seen.channel)
            if self.missed.get(seen.order, seen.channel) != seen.channel:
                self.observe("CO-OLA-02")  # an earlier 404 was for this channel's order
            return
        if seen.status != 404 or seen.code != "order_not_found":
            return
        if self.captured.get(seen.order, seen.channel) != seen.channel:
            self.observe("CO-OLA-02")
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
        self.expect(
            not differences,
            "CO-OLA-02",
            "Two 404s for orders differ",
            expected="the same 404 (media type, type, title, code, detail, fields)",
            received="; ".join(differences),
            exchanges=[self.first.exchange, seen.exchange],
        )

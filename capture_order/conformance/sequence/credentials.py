"""Tokens: 401s name the scheme, a refused token stays refused, a token acts in one channel."""

from __future__ import annotations

import re

from capture_order.conformance.context import describe
from capture_order.conformance.reproduce import Redactor
from capture_order.conformance.sequence.requests import well_formed
from capture_order.conformance.sequence.rule import Need, Recent, Rule
from capture_order.conformance.sequence.seen import Seen

SCHEME = re.compile(r"^\s*Token\b")
ACCEPTED = {200, 404, 409, 422}  # answers only an authenticated request gets


class TokensKeepTheirChannel(Rule):
    """401 names Token; a refused credential is never accepted; one channel per token."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__(
            "tokens_keep_their_channel",
            (
                Need("CO-AUTH-02", "a 401"),
                Need("CO-AUTH-01", "a credential refused with 401 and sent again"),
                Need("CO-OLA-01", "a request for an order another channel captured"),
                Need(
                    "CO-AUTH-03",
                    "a known key sent as `token <key>`, `TOKEN <key>` or with several spaces",
                ),
            ),
            redactor,
        )
        self.refused: Recent[str, Seen] = Recent()
        self.accepted: Recent[str, Seen] = Recent()  # token channel -> a request it got past 401
        self.channel_values: Recent[str, Seen] = (
            Recent()
        )  # token channel -> a 200 and its `channel`
        self.owner: Recent[str, str] = Recent()  # order number -> token channel of its first 200
        self.asked: Recent[str, set[str]] = Recent()  # order -> token channels that asked for it

    def feed(self, seen: Seen) -> None:
        exchange = seen.exchange
        if seen.status == 401:
            self.observe("CO-AUTH-02")
            challenge = exchange.header("WWW-Authenticate")
            self.expect(
                challenge is not None and bool(SCHEME.match(challenge)),
                "CO-AUTH-02",
                "401 does not name the Token scheme",
                expected="WWW-Authenticate: Token",
                received=f"WWW-Authenticate: {challenge}"
                if challenge
                else "no WWW-Authenticate header",
                exchanges=[exchange],
            )
        if seen.channel is None:
            return
        # Only a well-formed `Token <key>` alone names the key: a key refused then is unknown,
        # whereas one under another scheme, or twice, is refused for its form (CO-AUTH-01).
        if not well_formed(exchange.request_header_lines("Authorization")):
            if seen.order is not None:
                self._isolation(seen)
            return
        credential = seen.channel
        written = exchange.request_header("Authorization") or ""
        spelled_otherwise = not written.startswith("Token ") or "  " in written
        if spelled_otherwise and (credential in self.accepted or seen.status in ACCEPTED):
            self.observe("CO-AUTH-03")
        if seen.status == 401 and seen.code == "authentication_failed":
            if credential in self.accepted:
                # RFC 9110 credentials: any case of `Token`, any number of spaces (CO-AUTH-03).
                self.observe("CO-AUTH-03")
                self.expect(
                    False,
                    "CO-AUTH-03",
                    "A known key in a well-formed `Token <key>` was refused",
                    expected="the same answer as the key gets elsewhere (not 401)",
                    received=describe(exchange),
                    exchanges=[self.accepted[credential].exchange, exchange],
                )
            self.refused.touch(credential, seen)
        elif seen.status in ACCEPTED:
            if credential in self.refused:
                self.observe("CO-AUTH-01")
                self.expect(
                    False,
                    "CO-AUTH-01",
                    "A credential refused with 401 was later accepted",
                    expected="401 authentication_failed, as before",
                    received=describe(exchange),
                    exchanges=[self.refused[credential].exchange, exchange],
                )
            self.accepted.touch(credential, seen)
        if seen.order is not None:
            self._isolation(seen)

    def _isolation(self, seen: Seen) -> None:
        order, channel = seen.order or "", seen.channel or ""
        owner = self.owner.get(order)
        if owner is not None and owner != channel:
            self.observe("CO-OLA-01")
        asked = self.asked.touch(order, set())
        asked.add(channel)
        value = _channel_field(seen) if seen.status == 200 else None
        if not isinstance(value, int):
            return
        if owner is None:
            self.owner.touch(order, channel)
            if asked - {channel}:
                self.observe("CO-OLA-01")
        first = self.channel_values.touch(channel, seen)
        if _channel_field(first) != value:
            self.expect(
                False,
                "CO-OLA-01",
                "One token captured orders of two channels",
                expected=f"channel {_channel_field(first)} in every 200 for this token",
                received=f"channel {value} for order {order}",
                exchanges=[first.exchange, seen.exchange],
            )


def _channel_field(seen: Seen) -> object:
    # An integer field, the same in the Decimal reading of the body, which the money rules of
    # this judging process read anyway (the plain reading would parse every 200 once more).
    return seen.body.get("channel")

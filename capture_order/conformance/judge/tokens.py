"""The Token scheme read as HTTP defines it: a known key is accepted however it is spelled."""

from __future__ import annotations

from capture_order.conformance.judge.book import Book
from capture_order.conformance.judge.broken import Expected, well_formed
from capture_order.conformance.judge.rule import Judged, Rule
from capture_order.conformance.judge.seen import Seen
from capture_order.conformance.judge.values import describe
from capture_order.conformance.reproduce import Redactor

ACCEPTED = {200, 404, 409, 422}  # answers only an authenticated request gets
CASES = (
    Judged("CO-AUTH-03/scheme-case", "a known key sent as `token <key>` or `TOKEN <key>`"),
    Judged("CO-AUTH-03/several-spaces", "a known key after `Token` and several spaces"),
)


class TokensAreReadAsHttpSays(Rule):
    """A known key in any RFC 9110 spelling of `Token <key>` is accepted like the usual one."""

    def __init__(self, redactor: Redactor, book: Book) -> None:
        super().__init__("tokens_are_read_as_http_says", CASES, redactor)
        self.book = book

    def feed_expected(self, seen: Seen, expected: Expected) -> None:
        """Judge one exchange with a well-formed credential spelled otherwise."""
        lines = seen.exchange.request_header_lines("Authorization")
        if seen.channel is None or not well_formed(lines):
            return
        written = lines[0].strip(" ")
        scheme = written.split(" ", 1)[0]
        cases = []
        if scheme != "Token":
            cases.append("CO-AUTH-03/scheme-case")
        if "  " in written:
            cases.append("CO-AUTH-03/several-spaces")
        if not cases or not self.book.valid_channel(seen.channel):
            return
        refused = seen.status == 401
        earlier = self.book.accepted.get(seen.channel)
        for case in cases:
            self.expect(
                not refused,
                case,
                f"A known key written {scheme!r} + {written.count(' ')} space(s) was refused "
                "(RFC 9110: the scheme is case-insensitive, then 1*SP)",
                expected="the same answer as the key gets written `Token <key>` (not 401)",
                received=describe(seen.exchange),
                exchanges=[*([earlier.exchange] if earlier is not None else []), seen.exchange],
            )

"""A traffic file as a stream of this operation's exchanges, whatever its format."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from capture_order.conformance.http import Exchange
from capture_order.conformance.traffic.errors import ReadStats, TrafficError
from capture_order.conformance.traffic.har import read_har
from capture_order.conformance.traffic.ndjson import read_ndjson
from capture_order.contract.spec import OPERATION_PATH, base_path

# What producers write instead of a header value they hide (Schemathesis: `[Filtered]`).
MASKS = frozenset({"[Filtered]", "[REDACTED]", "<redacted>", "***"})
# Lines are read from a buffer of this size: fewer, larger reads of a long file.
READ_BUFFER = 1 << 20
HAR_START = re.compile(rb'^\s*\{\s*"log"\s*:')


def operation_path() -> str:
    """The path of the operation (`/api/v1/capture-order/`)."""
    return base_path() + OPERATION_PATH


def is_operation(exchange: Exchange, path: str) -> bool:
    """Whether an exchange was sent to this operation's path, or to it without its slash."""
    return _at(exchange.url, path)


@functools.lru_cache(maxsize=1024)
def _at(url: str, path: str) -> bool:
    # Traffic repeats a few URLs: each split once. The path without its slash is judged too
    # (CO-REQ-10: it must not be the operation).
    found = urlsplit(url).path
    return found.endswith(path) or found.endswith(path.rstrip("/"))


def _masked(headers: tuple[tuple[str, str], ...]) -> bool:
    # Every exchange is asked twice: the values are walked in C, not by a generator.
    return not MASKS.isdisjoint(map(_value, headers))


_value = operator.itemgetter(1)


def sniff(path: Path, head: bytes) -> str:
    """`har` or `ndjson`: by the file's first bytes, else by its name."""
    if HAR_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "har"
    if path.suffix.lower() == ".har" and not head.lstrip().startswith(b'{"'):
        return "har"
    return "ndjson"


def read_traffic(path: Path, stats: ReadStats) -> Iterator[Exchange]:
    """The operation's exchanges in the file, streamed; others are counted in `stats`."""
    try:
        stream = path.open("rb", buffering=READ_BUFFER)
    except OSError as exc:
        raise TrafficError(f"cannot read {path}: {exc.strerror or exc}") from None
    with stream:
        head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
        stats.format = sniff(path, head)
        reader = read_har if stats.format == "har" else read_ndjson
        wanted = operation_path()
        for exchange in reader(stream, str(path), stats):
            stats.read += 1
            if _masked(exchange.request_headers) or _masked(exchange.response_headers):
                stats.masked += 1
            if is_operation(exchange, wanted):
                stats.judged += 1
                yield exchange
            else:
                stats.skip("another path than " + wanted)

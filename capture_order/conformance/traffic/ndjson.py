"""The NDJSON traffic format: one exchange a line (exchange.schema.json describes a line)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

import msgspec

from capture_order.conformance import decoding
from capture_order.conformance.http import Exchange
from capture_order.conformance.traffic.channels import TokenBook
from capture_order.conformance.traffic.errors import ReadStats, TrafficError
from capture_order.conformance.traffic.fields import body_bytes, timestamp

Headers = tuple[tuple[str, str], ...]


def _body(data: bytes) -> tuple[str, str]:
    """A body as JSON text: UTF-8 as it is, anything else base64."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"


def to_line(exchange: Exchange, book: TokenBook) -> str:
    """One exchange as a line of NDJSON, credentials replaced by their channel's marker."""
    started = exchange.started
    when = datetime.fromtimestamp(started, UTC) if started is not None else datetime.now(UTC)
    request_body, request_encoding = _body(book.redact_bytes(exchange.request_body))
    response_body, response_encoding = _body(book.redact_bytes(exchange.response_body))
    record: dict[str, Any] = {
        "time": when.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "elapsed_ms": round(exchange.elapsed_ms, 3),
        "method": exchange.method,
        "url": book.redact_text(exchange.url),
        "request_headers": [[k, book.redact_header(k, v)] for k, v in exchange.request_headers],
        "request_body": request_body,
        "status": exchange.status,
        "response_headers": [[k, book.redact_header(k, v)] for k, v in exchange.response_headers],
        "response_body": response_body,
    }
    if request_encoding != "utf-8":
        record["request_body_encoding"] = request_encoding
    if response_encoding != "utf-8":
        record["response_body_encoding"] = response_encoding
    # ASCII only: a raw U+2028 or U+0085 would split the line for readers that split on them.
    return json.dumps(record, separators=(",", ":")) + "\n"


def _headers(value: Any, where: str) -> Headers:
    if not isinstance(value, list):
        raise TrafficError(f"{where}: not a list of [name, value] pairs")
    pairs = []
    for pair in value:
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and isinstance(pair[1], str)
        ):
            raise TrafficError(f"{where}: {json.dumps(pair)[:60]} is not a [name, value] pair")
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def _decoded(record: dict[str, Any], name: str, where: str) -> bytes:
    text = record.get(name, "")
    if not isinstance(text, str):
        raise TrafficError(f"{where}: {name} is not a string")
    encoding = record.get(f"{name}_encoding", "utf-8")
    if encoding not in ("utf-8", "base64"):
        raise TrafficError(f"{where}: {name}_encoding {encoding!r} is not utf-8 or base64")
    return body_bytes(text, encoding == "base64", f"{where}: {name}")


def from_record(record: Any, where: str) -> Exchange:
    """An exchange from one parsed line; TrafficError says what is wrong with it."""
    if not isinstance(record, dict):
        raise TrafficError(f"{where}: not a JSON object")
    method, url, status = record.get("method"), record.get("url"), record.get("status")
    if not isinstance(method, str) or not method:
        raise TrafficError(f"{where}: method missing or not a string")
    if not isinstance(url, str) or not url:
        raise TrafficError(f"{where}: url missing or not a string")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise TrafficError(f"{where}: status missing or not an HTTP status")
    elapsed = record.get("elapsed_ms", 0.0)
    return Exchange(
        started=timestamp(record.get("time")),
        method=method,
        url=url,
        request_headers=_headers(record.get("request_headers", []), f"{where}: request_headers"),
        request_body=_decoded(record, "request_body", where),
        status=status,
        response_headers=_headers(record.get("response_headers", []), f"{where}: response_headers"),
        response_body=_decoded(record, "response_body", where),
        elapsed_ms=float(elapsed) if isinstance(elapsed, int | float) else 0.0,
        source=where,
    )


class _Line(msgspec.Struct):
    """A line as the schema describes it, typed: msgspec checks the types as it decodes."""

    method: str
    url: str
    status: int
    time: str | None = None
    elapsed_ms: float = 0.0
    request_headers: list[tuple[str, str]] = []
    request_body: str = ""
    request_body_encoding: str = "utf-8"
    response_headers: list[tuple[str, str]] = []
    response_body: str = ""
    response_body_encoding: str = "utf-8"


# Most lines are well formed: decoded straight into `_Line`, about three times sooner than a dict
# checked field by field. A line it refuses goes to `from_record`, whose errors name the field.
_LINE = msgspec.json.Decoder(_Line)
_TEXT = ("utf-8", "base64")


def _exchange(line: _Line, where: str) -> Exchange | None:
    """The exchange of a typed line; None when a value needs `from_record`'s checks."""
    if not (
        line.method
        and line.url
        and 100 <= line.status <= 599
        and line.request_body_encoding in _TEXT
        and line.response_body_encoding in _TEXT
    ):
        return None
    return Exchange(
        started=timestamp(line.time),
        method=line.method,
        url=line.url,
        request_headers=tuple(line.request_headers),
        request_body=body_bytes(
            line.request_body, line.request_body_encoding == "base64", f"{where}: request_body"
        ),
        status=line.status,
        response_headers=tuple(line.response_headers),
        response_body=body_bytes(
            line.response_body, line.response_body_encoding == "base64", f"{where}: response_body"
        ),
        elapsed_ms=line.elapsed_ms,
        source=where,
    )


def typed_exchange(raw: bytes | str, where: str) -> Exchange | None:
    """The exchange of a well-formed line, read the quick way; None: read it with `from_record`."""
    try:
        line = _LINE.decode(raw)
    except msgspec.MsgspecError:
        return None
    return _exchange(line, where)


def line_exchange(raw: bytes | str, where: str) -> Exchange:
    """The exchange of one line: read the quick way, else field by field (TrafficError names
    the field); a line that is not JSON raises what `json.loads` raises."""
    exchange = typed_exchange(raw, where)
    return exchange if exchange is not None else from_record(decoding.loads(raw), where)


def read_ndjson(stream: IO[bytes], name: str, stats: ReadStats) -> Iterator[Exchange]:
    """The exchanges of an NDJSON file, line by line; a cut-off last line is skipped.

    A line that is not JSON is an error naming it, except the last one when it has no
    newline: a recorder stopped mid-write leaves exactly that, and the rest is still good.
    """
    number = 0
    for raw in stream:
        number += 1
        try:
            exchange = line_exchange(raw, f"line {number}")
        except TrafficError:
            raise  # a field is wrong: its message says which
        except (ValueError, RecursionError) as exc:
            if not raw.strip():
                continue
            if not raw.endswith(b"\n") and not stream.read(1):
                stats.truncated = f"line {number}"
                return
            raise TrafficError(f"{name}: line {number}: not valid JSON ({_first(exc)})") from None
        yield exchange


def _first(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__

"""HAR 1.2 files, read entry by entry with an incremental JSON parser (never loaded whole)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import ijson

from capture_order.conformance.http import Exchange
from capture_order.conformance.traffic.errors import ReadStats, TrafficError
from capture_order.conformance.traffic.fields import body_bytes, timestamp


def _headers(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise TrafficError(f"{where}: headers is not a list")
    pairs = []
    for header in value:
        name = header.get("name") if isinstance(header, dict) else None
        text = header.get("value") if isinstance(header, dict) else None
        if not isinstance(name, str) or not isinstance(text, str):
            raise TrafficError(f"{where}: a header without a string name and value")
        if not name.startswith(":"):  # HTTP/2 pseudo-headers (browsers) are not headers
            pairs.append((name, text))
    return tuple(pairs)


def _content(holder: Any, where: str) -> bytes:
    if holder is None:
        return b""
    if not isinstance(holder, dict):
        raise TrafficError(f"{where}: not an object")
    text = holder.get("text", "")
    if text is None:
        return b""
    if not isinstance(text, str):
        raise TrafficError(f"{where}.text is not a string")
    return body_bytes(text, holder.get("encoding") == "base64", f"{where}.text")


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def from_entry(entry: Any, where: str) -> Exchange | None:
    """An exchange from one HAR entry (None: it got no response); TrafficError: it is broken."""
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise TrafficError(f"{where}: no request or response object")
    method, url, status = request.get("method"), request.get("url"), response.get("status")
    if not isinstance(method, str) or not isinstance(url, str):
        raise TrafficError(f"{where}: request.method or request.url missing")
    if isinstance(status, int | Decimal) and int(status) == 0:
        return None  # browsers write status 0 for a request that got no response
    if not isinstance(status, int | Decimal) or not 100 <= int(status) <= 599:
        raise TrafficError(f"{where}: response.status {status!r} is not an HTTP status")
    return Exchange(
        method=method,
        url=url,
        request_headers=_headers(request.get("headers", []), f"{where}: request"),
        request_body=_content(request.get("postData"), f"{where}: request.postData"),
        status=int(status),
        response_headers=_headers(response.get("headers", []), f"{where}: response"),
        response_body=_content(response.get("content"), f"{where}: response.content"),
        elapsed_ms=_number(entry.get("time")),
        source=where,
        started=timestamp(entry.get("startedDateTime")),
    )


def read_har(stream: IO[bytes], name: str, stats: ReadStats) -> Iterator[Exchange]:
    """The exchanges of a HAR file, in the order of its entries."""
    number = 0
    entries = ijson.items(stream, "log.entries.item", use_float=False)
    try:
        for entry in entries:
            number += 1
            exchange = from_entry(entry, f"entry {number}")
            if exchange is None:
                stats.skip("no response (status 0)")
            else:
                yield exchange
    except ijson.JSONError as exc:
        message = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise TrafficError(f"{name}: entry {number + 1}: not valid JSON ({message})") from None

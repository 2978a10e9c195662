"""What the HAR and NDJSON readers read alike: a recorded body's bytes and a timestamp."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from capture_order.conformance.traffic.errors import TrafficError


def body_bytes(text: str, base64_encoded: bool, what: str) -> bytes:
    """A recorded body: base64 decoded, else its text as UTF-8 (lone surrogates kept as written).

    TrafficError names `what` when the base64 is broken.
    """
    if base64_encoded:
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise TrafficError(f"{what} is not valid base64") from None
    return text.encode("utf-8", "surrogatepass")


def timestamp(value: Any) -> float | None:
    """Seconds since the epoch of an ISO 8601 time (`Z` allowed); None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None

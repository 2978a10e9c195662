"""JSON on the wire: exact decimals as number literals, UTC timestamps with a `Z`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from server.domain.money import quantize


def money(amount: Decimal, currency: str) -> Decimal:
    """The amount as it goes on the wire: the currency's digits, trailing zeros dropped."""
    exact = quantize(amount, currency)
    normalized = exact.normalize()
    # normalize() writes 1000 as 1E+3; quantizing to the units restores plain digits.
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def timestamp(moment: datetime) -> str:
    """An RFC 3339 UTC timestamp like 2024-11-20T11:22:23.702774Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dumps(value: Any) -> str:
    """Serialize JSON, writing every Decimal as an exact number literal (never a float)."""
    return "".join(_chunks(value))


def _chunks(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("only finite decimals are JSON numbers")
        yield format(value, "f")
    elif isinstance(value, Mapping):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            if index:
                yield ","
            yield json.dumps(str(key), ensure_ascii=False)
            yield ":"
            yield from _chunks(item)
        yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        for index, item in enumerate(value):
            if index:
                yield ","
            yield from _chunks(item)
        yield "]"
    elif isinstance(value, datetime):
        yield json.dumps(timestamp(value))
    else:
        yield json.dumps(value, ensure_ascii=False, allow_nan=False)

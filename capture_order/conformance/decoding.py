"""JSON decoding for judging: msgspec's decoder where it gives the standard library's value.

Judging traffic parses every NDJSON line and every response body (as JSON, and again with exact
decimals); with the standard library's decoder that was a fifth of the judging time, and
msgspec decodes the same bytes several times faster. Where msgspec refuses a document the
standard library accepts (NaN and Infinity, an escaped lone surrogate, a number beyond a float,
UTF-16 or UTF-32 bytes), the standard library decodes it, so every value (or refusal) is the
standard library's own: msgspec only makes it sooner.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import msgspec

_PLAIN = msgspec.json.Decoder()
# Non-integer numbers from their written digits, as `json.loads(..., parse_float=Decimal)`.
_DECIMAL = msgspec.json.Decoder(float_hook=Decimal)


def loads(data: bytes | str) -> Any:
    """`json.loads(data)`, sooner; raises what it raises (ValueError, RecursionError, ...)."""
    try:
        return _PLAIN.decode(data)
    except msgspec.MsgspecError:
        return json.loads(data)


def loads_decimal(data: bytes | str) -> Any:
    """`json.loads(data, parse_float=Decimal)`, sooner; raises what it raises."""
    try:
        return _DECIMAL.decode(data)
    except msgspec.MsgspecError:
        return json.loads(data, parse_float=Decimal)

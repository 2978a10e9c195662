"""Schemathesis hooks for the server's fuzz run: real orders for some positive cases."""

from __future__ import annotations

import itertools
import json
import os
import uuid
from typing import Any

import schemathesis

# Capturable orders of the token's channel, given by the test that runs Schemathesis.
_ORDERS: list[dict[str, Any]] = json.loads(os.environ.get("CAPTURE_ORDER_ST_ORDERS", "[]"))
_TURN = itertools.count()


@schemathesis.hook
def map_case(_context: Any, case: Any) -> Any:
    """Give every positive case its own Idempotency-Key; aim every other one at a real order."""
    meta = getattr(case, "meta", None)
    if meta is None or str(meta.generation.mode) != "positive":
        return case
    case.headers = {**(case.headers or {}), "Idempotency-Key": uuid.uuid4().hex}
    if isinstance(case.body, dict) and "order" in case.body and _ORDERS and next(_TURN) % 2 == 0:
        order = _ORDERS.pop()
        body: dict[str, Any] = {"order": order["number"]}
        if len(_ORDERS) % 2:
            body["order_items"] = [{"pk": order["items"][0]["pk"], "attributes": {"note": "fuzz"}}]
        case.body = body
    return case

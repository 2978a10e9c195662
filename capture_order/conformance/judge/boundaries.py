"""The request schema's limits as boundaries: a body exactly at a limit, or just past it.

The limits are the spec's (`request_limits()`): the order number's length, the number of
items, of an item's attributes, an attribute value's length and the pk's range. A body at a
limit keeps the schema and must not be refused for it; a body one past it (or a pk outside
int64, or negative) is 400 `invalid_request` under its own boundary case (CO-REQ-04). Lengths
are counted in characters (code points), as JSON Schema counts them, never in bytes.
"""

from __future__ import annotations

from typing import Any

from capture_order.conformance.judge.rule import Judged
from capture_order.contract.facts import request_limits

ORDER_LENGTH = "CO-REQ-04/order-length-boundary"
ITEM_COUNT = "CO-REQ-04/item-count-boundary"
ATTRIBUTE_COUNT = "CO-REQ-04/attribute-count-boundary"
VALUE_LENGTH = "CO-REQ-04/value-length-boundary"
PK_RANGE = "CO-REQ-04/pk-range-boundary"
BOUNDARY_CASES = (
    Judged(ORDER_LENGTH, "an `order` of exactly the length limit, and one character over"),
    Judged(ITEM_COUNT, "`order_items` of exactly the item limit, and one item over"),
    Judged(ATTRIBUTE_COUNT, "an item with exactly the attribute limit, and one over"),
    Judged(VALUE_LENGTH, "an attribute value of exactly the length limit, and one over"),
    Judged(PK_RANGE, "a pk of 1 or 2**63-1, and one past int64 or negative"),
)


def _items(value: Any) -> list[dict[str, Any]]:
    items = value.get("order_items") if isinstance(value, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _pks(value: Any) -> list[int]:
    found = (i.get("pk") for i in _items(value))
    return [pk for pk in found if isinstance(pk, int) and not isinstance(pk, bool)]


def _attributes(value: Any) -> list[dict[str, Any]]:
    found = (i.get("attributes") for i in _items(value))
    return [a for a in found if isinstance(a, dict)]


def _lengths(value: Any, over: int) -> tuple[str, ...]:
    """The boundary cases whose limit the body reaches exactly (over 0) or passes by one (1)."""
    limits = request_limits()
    found: list[str] = []
    order = value.get("order") if isinstance(value, dict) else None
    if isinstance(order, str) and len(order) == limits.order_max + over:
        found.append(ORDER_LENGTH)
    items = value.get("order_items") if isinstance(value, dict) else None
    if isinstance(items, list) and len(items) == limits.items_max + over:
        found.append(ITEM_COUNT)
    attributes = _attributes(value)
    if any(len(a) == limits.attributes_max + over for a in attributes):
        found.append(ATTRIBUTE_COUNT)
    wanted = limits.attribute_value_max + over
    if any(isinstance(v, str) and len(v) == wanted for a in attributes for v in a.values()):
        found.append(VALUE_LENGTH)
    return tuple(found)


def at_limit(value: Any) -> tuple[str, ...]:
    """The boundary cases a body keeps exactly at their limit (a pk of 1 or of int64's end)."""
    if not isinstance(value, dict):
        return ()
    limits = request_limits()
    found = _lengths(value, 0)
    if any(pk in (limits.pk_min, limits.pk_max) for pk in _pks(value)):
        found = (*found, PK_RANGE)
    return found


def past_limit(value: Any) -> str | None:
    """The boundary case a schema-invalid body passes (None: none, or it breaks another bound).

    One past a count or a length; a pk past int64's end or below 0 (a pk of 0 is the older
    `item-bounds` case).
    """
    if not isinstance(value, dict):
        return None
    limits = request_limits()
    if any(pk > limits.pk_max or pk < limits.pk_min - 1 for pk in _pks(value)):
        return PK_RANGE
    found = _lengths(value, 1)
    return found[0] if found else None

"""Facts of the contract that the server and the suite both act on, read from the spec."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from capture_order.contract.spec import Spec, load_spec, operation, resolve

DEFAULT_MINOR_UNITS = 2


def _schemas(spec: Spec | None) -> dict[str, Any]:
    found: dict[str, Any] = (spec or load_spec())["components"]["schemas"]
    return found


def order_statuses(kind: str, spec: Spec | None = None) -> frozenset[str]:
    """The statuses OrderStatus lists as `x-<kind>` (capturable, cancelled, refunded)."""
    return frozenset(_schemas(spec)["OrderStatus"][f"x-{kind}"])


def order_statuses_all(spec: Spec | None = None) -> frozenset[str]:
    """Every OrderStatus code of the spec."""
    return frozenset(_schemas(spec)["OrderStatus"]["enum"])


def currencies(spec: Spec | None = None) -> frozenset[str]:
    """Every Currency code of the spec."""
    return frozenset(_schemas(spec)["Currency"]["enum"])


def capturable_statuses(spec: Spec | None = None) -> frozenset[str]:
    """Statuses a capture is allowed in (`x-capturable`)."""
    return order_statuses("capturable", spec)


def _minor_units(spec: Spec | None) -> dict[str, int]:
    found: dict[str, int] = _schemas(spec)["Currency"]["x-minor-units"]
    return found


def minor_units(spec: Spec | None = None) -> dict[str, int]:
    """Currencies whose amounts carry other than two fractional digits (`x-minor-units`)."""
    return dict(_minor_units(spec))


def minor_digits(currency: str | None, spec: Spec | None = None) -> int:
    """Fractional digits an amount in this currency may carry (CO-MON-03)."""
    # Read in place, not copied: judging traffic asks this for every 200.
    return _minor_units(spec).get(currency or "", DEFAULT_MINOR_UNITS)


MONEY_REF = "#/components/schemas/Money"


def money_fields(schema_name: str, spec: Spec | None = None) -> tuple[str, ...]:
    """The properties of this schema that hold money (`$ref: Money`), in the spec's order."""
    if spec is None:
        return _default_money_fields(schema_name)
    properties = _schemas(spec)[schema_name].get("properties", {})
    return tuple(name for name, schema in properties.items() if schema.get("$ref") == MONEY_REF)


@functools.cache
def _default_money_fields(schema_name: str) -> tuple[str, ...]:
    return money_fields(schema_name, load_spec())


def documented_responses(spec: Spec | None = None) -> dict[int, dict[str, Any]]:
    """Status -> the capture operation's response object, `$ref`s followed."""
    spec = spec or load_spec()
    return {
        int(status): resolve(spec, response)
        for status, response in operation(spec)["responses"].items()
    }


def response_schema_pointer(status: int, media_type: str, spec: Spec | None = None) -> str | None:
    """The JSON pointer of the body schema documented for this status and media type."""
    spec = spec or load_spec()
    response = documented_responses(spec).get(status)
    media = (response or {}).get("content", {}).get(media_type)
    if media is None or "schema" not in media:
        return None
    schema = media["schema"]
    ref: str | None = schema.get("$ref")
    if ref is not None:
        return ref.removeprefix("#")
    statuses = operation(spec)["responses"]
    key = next(k for k in statuses if int(k) == status)
    owner = statuses[key].get("$ref", f"#/paths/~1capture-order~1/post/responses/{key}")
    return f"{owner.removeprefix('#')}/content/{media_type.replace('/', '~1')}/schema"


def header_required(header: dict[str, Any], spec: Spec | None = None) -> bool:
    """Whether a documented response header (possibly a `$ref`) is required."""
    return bool(resolve(spec or load_spec(), header).get("required"))


def problem_statuses(spec: Spec | None = None) -> dict[str, int]:
    """Problem `code` -> the HTTP status its examples in the spec carry."""
    examples = (spec or load_spec())["components"].get("examples", {})
    found: dict[str, int] = {}
    for example in examples.values():
        value = example.get("value")
        if isinstance(value, dict) and isinstance(value.get("code"), str):
            found.setdefault(value["code"], int(value["status"]))
    return found


@dataclass(frozen=True)
class RequestLimits:
    """Every bound the contract puts on a capture request, as the spec writes it."""

    body_bytes: int  # requestBody `x-max-bytes` (CO-REQ-02)
    nesting_depth: int  # requestBody `x-max-depth` (CO-REQ-09)
    key_min: int  # Idempotency-Key minLength, maxLength (CO-REQ-07)
    key_max: int
    order_min: int  # CaptureOrder.order minLength, maxLength (CO-REQ-04)
    order_max: int
    items_min: int  # CaptureOrder.order_items minItems, maxItems
    items_max: int
    pk_min: int  # CaptureOrderItem.pk minimum, maximum
    pk_max: int
    attributes_max: int  # ItemAttributes maxProperties
    attribute_value_max: int  # the string ItemAttributeValue's maxLength


def request_limits(spec: Spec | None = None) -> RequestLimits:
    """The request's bounds, read from the spec (no module writes one of these numbers)."""
    if spec is None:
        return _default_limits()
    schemas = _schemas(spec)
    body = resolve(spec, operation(spec)["requestBody"])
    key = next(
        resolve(spec, p)["schema"]
        for p in operation(spec).get("parameters", [])
        if resolve(spec, p)["name"] == "Idempotency-Key"
    )
    order = schemas["CaptureOrder"]["properties"]["order"]
    items = schemas["CaptureOrder"]["properties"]["order_items"]
    pk = resolve(spec, items["items"])["properties"]["pk"]
    value = next(
        o for o in resolve(spec, schemas["ItemAttributeValue"])["oneOf"] if o["type"] == "string"
    )
    return RequestLimits(
        body_bytes=int(body["x-max-bytes"]),
        nesting_depth=int(body["x-max-depth"]),
        key_min=int(key["minLength"]),
        key_max=int(key["maxLength"]),
        order_min=int(order["minLength"]),
        order_max=int(order["maxLength"]),
        items_min=int(items["minItems"]),
        items_max=int(items["maxItems"]),
        pk_min=int(pk["minimum"]),
        pk_max=int(pk["maximum"]),
        attributes_max=int(schemas["ItemAttributes"]["maxProperties"]),
        attribute_value_max=int(value["maxLength"]),
    )


@functools.cache
def _default_limits() -> RequestLimits:
    return request_limits(load_spec())

"""Labelled edits of what clients send: body schema, media types, parameters, security."""

from __future__ import annotations

import copy

from tests.diff.edits import BC, DOCS, NB, Spec, need, operation, prop, registry, request_media
from tests.diff.edits import schema as schema_of

EDITS, edit = registry()


@edit(BC, "a pk between the new and the old maximum was valid")
def pk_maximum_lowered(spec: Spec) -> None:
    prop(spec, "CaptureOrderItem", "pk")["maximum"] = 1000


@edit(BC, "pk 1..9 were valid")
def pk_minimum_raised(spec: Spec) -> None:
    prop(spec, "CaptureOrderItem", "pk")["minimum"] = 10


@edit(NB, "pk 0 becomes valid; nothing valid before is rejected")
def pk_minimum_lowered(spec: Spec) -> None:
    prop(spec, "CaptureOrderItem", "pk")["minimum"] = 0


@edit(BC, "a value of the removed type (a string pk would be new; an integer pk is gone)")
def pk_type_changed_to_string(spec: Spec) -> None:
    pk = prop(spec, "CaptureOrderItem", "pk")
    for key in ("format", "minimum", "maximum"):
        pk.pop(key, None)
    pk.update(type="string", example="101")


@edit(BC, "order numbers of 17-128 characters were valid")
def order_max_length_shortened(spec: Spec) -> None:
    prop(spec, "CaptureOrder", "order")["maxLength"] = 16


@edit(NB, "longer order numbers become valid")
def order_max_length_lengthened(spec: Spec) -> None:
    prop(spec, "CaptureOrder", "order")["maxLength"] = 256


@edit(BC, "lower-case order numbers were valid")
def order_pattern_tightened(spec: Spec) -> None:
    prop(spec, "CaptureOrder", "order")["pattern"] = "^[A-Z0-9-]+$"


@edit(NB, "the pattern is dropped: control characters become valid")
def order_pattern_removed(spec: Spec) -> None:
    del prop(spec, "CaptureOrder", "order")["pattern"]


@edit(BC, "a full capture (no order_items) was valid")
def order_items_made_required(spec: Spec) -> None:
    schema_of(spec, "CaptureOrder")["required"].append("order_items")


@edit(BC, "one or two items were valid, now three are the least")
def order_items_min_items_raised(spec: Spec) -> None:
    need(prop(spec, "CaptureOrder", "order_items"), "minItems")
    prop(spec, "CaptureOrder", "order_items")["minItems"] = 3


@edit(BC, "up to 500 items were valid")
def order_items_max_items_lowered(spec: Spec) -> None:
    prop(spec, "CaptureOrder", "order_items")["maxItems"] = 10


@edit(BC, "a request without the new field was valid")
def new_required_request_field(spec: Spec) -> None:
    body = schema_of(spec, "CaptureOrder")
    body["properties"]["reason"] = {"type": "string", "description": "Why.", "example": "ship"}
    body["required"].append("reason")


@edit(NB, "an optional field in a closed object only widens what is accepted")
def new_optional_request_field(spec: Spec) -> None:
    body = schema_of(spec, "CaptureOrder")
    body["properties"]["note"] = {"type": "string", "description": "A note.", "example": "x"}


@edit(BC, "unknown fields are rejected, so sending order_items is now a 400")
def request_field_removed_in_closed_object(spec: Spec) -> None:
    del schema_of(spec, "CaptureOrder")["properties"]["order_items"]


@edit(NB, "unknown fields become accepted")
def request_additional_properties_opened(spec: Spec) -> None:
    schema_of(spec, "CaptureOrder")["additionalProperties"] = True


@edit(BC, "any attribute name was valid")
def attributes_additional_properties_closed(spec: Spec) -> None:
    attributes = schema_of(spec, "ItemAttributes")
    attributes["additionalProperties"] = False
    attributes["properties"] = {"gift_wrap": {"type": "boolean", "description": "x", "example": 1}}


@edit(BC, "boolean attribute values were valid (a value of the removed type)")
def attribute_value_type_narrowed(spec: Spec) -> None:
    value = schema_of(spec, "ItemAttributeValue")
    value.pop("oneOf")
    value.update(type="string", maxLength=1024)


@edit(BC, "the item schema now requires attributes, added as an allOf part")
def item_allof_part_added(spec: Spec) -> None:
    item = schema_of(spec, "CaptureOrderItem")
    item["allOf"] = [{"required": ["attributes"]}]


@edit(DOCS, "the same constraints, written as allOf parts")
def item_rewritten_as_allof(spec: Spec) -> None:
    item = schema_of(spec, "CaptureOrderItem")
    pk = item["properties"]["pk"]
    bounds = {key: pk.pop(key) for key in ("minimum", "maximum")}
    item["allOf"] = [{"properties": {"pk": bounds}}]


@edit(BC, "attributes now refers to a schema that allows at most 2 attributes")
def attributes_ref_target_changed(spec: Spec) -> None:
    schemas = need(spec, "components", "schemas")
    schemas["SmallItemAttributes"] = {
        **copy.deepcopy(schemas["ItemAttributes"]),
        "maxProperties": 2,
    }
    prop(spec, "CaptureOrderItem", "attributes")["$ref"] = (
        "#/components/schemas/SmallItemAttributes"
    )


@edit(DOCS, "the $ref target is renamed; its content is the same")
def attributes_ref_target_renamed(spec: Spec) -> None:
    schemas = need(spec, "components", "schemas")
    schemas["OrderItemAttributes"] = copy.deepcopy(schemas["ItemAttributes"])
    prop(spec, "CaptureOrderItem", "attributes")["$ref"] = (
        "#/components/schemas/OrderItemAttributes"
    )


@edit(DOCS, "a description says nothing about which values are valid")
def request_description_changed(spec: Spec) -> None:
    schema_of(spec, "CaptureOrder")["description"] = "The order (and items) to capture."


@edit(BC, "JSON requests are no longer accepted")
def request_media_type_removed(spec: Spec) -> None:
    content = request_media(spec)
    content["application/merge-patch+json"] = content.pop("application/json")


@edit(NB, "a second media type is accepted as well")
def request_media_type_added(spec: Spec) -> None:
    content = request_media(spec)
    content["application/x-www-form-urlencoded"] = copy.deepcopy(content["application/json"])


@edit(BC, "requests without Idempotency-Key were valid")
def idempotency_key_made_required(spec: Spec) -> None:
    need(spec, "components", "parameters", "IdempotencyKey")["required"] = True


@edit(BC, "keys of 65-255 characters were valid")
def idempotency_key_shortened(spec: Spec) -> None:
    need(spec, "components", "parameters", "IdempotencyKey", "schema")["maxLength"] = 64


@edit(BC, "requests without the new header were valid")
def new_required_header_parameter(spec: Spec) -> None:
    header = {
        "name": "X-Request-Id",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
    }
    operation(spec)["parameters"].append(header)


@edit(NB, "an optional query parameter changes no existing request")
def new_optional_query_parameter(spec: Spec) -> None:
    query = {"name": "dry_run", "in": "query", "required": False, "schema": {"type": "boolean"}}
    operation(spec)["parameters"].append(query)


@edit(BC, "a Token alone no longer authenticates")
def new_security_requirement(spec: Spec) -> None:
    schemes = need(spec, "components", "securitySchemes")
    schemes["ChannelKey"] = {"type": "apiKey", "in": "header", "name": "X-Channel-Key"}
    operation(spec)["security"] = [{"Token": [], "ChannelKey": []}]


@edit(BC, "the token travels in another header")
def security_scheme_header_renamed(spec: Spec) -> None:
    need(spec, "components", "securitySchemes", "Token")["name"] = "X-Token"


@edit(NB, "anonymous requests become possible; authenticated ones still work")
def security_made_optional(spec: Spec) -> None:
    operation(spec)["security"] = [{"Token": []}, {}]

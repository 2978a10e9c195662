"""Labelled edits of what clients receive, and of servers and paths."""

from __future__ import annotations

import copy

from tests.diff.edits import BC, DOCS, NB, Spec, need, operation, prop, registry, response
from tests.diff.edits import schema as schema_of

EDITS, edit = registry()


@edit(BC, "a status clients have never seen may now arrive")
def response_enum_value_added(spec: Spec) -> None:
    schema_of(spec, "OrderStatus")["enum"].append("560")


@edit(NB, "clients will simply never see `rsd`")
def response_enum_value_removed(spec: Spec) -> None:
    schema_of(spec, "Currency")["enum"].remove("rsd")


@edit(DOCS, "the same set of values in another order")
def response_enum_reordered(spec: Spec) -> None:
    schema_of(spec, "Currency")["enum"].reverse()


@edit(BC, "an Order without `channel` may now arrive")
def response_field_made_optional(spec: Spec) -> None:
    schema_of(spec, "Order")["required"].remove("channel")


@edit(BC, "`number` may now be null")
def response_field_made_nullable(spec: Spec) -> None:
    prop(spec, "Order", "number")["nullable"] = True


@edit(NB, "`payment_option_slug` will no longer be null")
def response_field_no_longer_nullable(spec: Spec) -> None:
    prop(spec, "Order", "payment_option_slug")["nullable"] = False


@edit(BC, "`channel` may now be a fraction")
def response_type_widened(spec: Spec) -> None:
    prop(spec, "Order", "channel")["type"] = "number"


@edit(NB, "a new required response field only promises more")
def response_new_required_field(spec: Spec) -> None:
    order = schema_of(spec, "Order")
    order["properties"]["captured_by"] = {"type": "integer", "description": "x", "example": 1}
    order["required"].append("captured_by")


@edit(NB, "an upper bound on a response field only narrows what arrives")
def response_bound_added(spec: Spec) -> None:
    prop(spec, "Order", "installment_count")["maximum"] = 1000000000


@edit(DOCS, "every problem's allOf pins `code` with an enum: the pattern admitted nothing more")
def problem_code_pattern_removed(spec: Spec) -> None:
    del prop(spec, "Problem", "code")["pattern"]


@edit(BC, "problem types that are not `/problems/<name>` may now arrive")
def problem_type_pattern_removed(spec: Spec) -> None:
    del prop(spec, "Problem", "type")["pattern"]


@edit(DOCS, "every problem's allOf pins `status` with an enum: the looser bound admits nothing new")
def problem_status_bound_loosened_under_enum(spec: Spec) -> None:
    prop(spec, "Problem", "status")["maximum"] = 699


@edit(NB, "an allOf part that requires `pk` only narrows the Order clients receive")
def order_allof_part_added(spec: Spec) -> None:
    schema_of(spec, "Order")["allOf"] = [{"required": ["pk"]}]


@edit(BC, "clients may receive 429, which they do not handle")
def response_new_status(spec: Spec) -> None:
    operation(spec)["responses"]["429"] = copy.deepcopy(need(operation(spec), "responses", "409"))


@edit(NB, "clients will no longer see 415")
def response_status_removed(spec: Spec) -> None:
    del need(operation(spec), "responses")["415"]


@edit(BC, "the 200 response may now be XML")
def response_media_type_added(spec: Spec) -> None:
    content = need(response(spec, "200"), "content")
    content["application/xml"] = copy.deepcopy(content["application/json"])


@edit(BC, "clients relied on Retry-After with 409")
def response_header_removed(spec: Spec) -> None:
    del need(response(spec, "409"), "headers")["Retry-After"]


@edit(BC, "clients relied on Idempotent-Replayed")
def replayed_header_removed(spec: Spec) -> None:
    del need(response(spec, "200"), "headers")["Idempotent-Replayed"]


@edit(NB, "a new response header promises more")
def response_header_added(spec: Spec) -> None:
    headers = need(response(spec, "200"), "headers")
    headers["X-Request-Id"] = {"description": "x", "schema": {"type": "string"}}


@edit(BC, "Retry-After may now be negative")
def retry_after_minimum_removed(spec: Spec) -> None:
    del need(spec, "components", "headers", "RetryAfter", "schema")["minimum"]


@edit(BC, "Idempotent-Replayed may now be `false` as well")
def replayed_header_enum_widened(spec: Spec) -> None:
    need(spec, "components", "headers", "IdempotentReplayed", "schema")["enum"].append("false")


@edit(DOCS, "an example changes no value's validity")
def response_example_changed(spec: Spec) -> None:
    prop(spec, "Order", "number")["example"] = "CO-424242"


@edit(BC, "clients configured with /api/v1 no longer reach the API")
def server_base_path_changed(spec: Spec) -> None:
    need(spec, "servers", 0)["url"] = "http://127.0.0.1:8000/api/v2"


@edit(NB, "a second server is an addition")
def server_added(spec: Spec) -> None:
    need(spec, "servers").append({"url": "https://orders.example.com/api/v1", "description": "x"})


@edit(BC, "the documented path is gone")
def path_renamed(spec: Spec) -> None:
    paths = need(spec, "paths")
    paths["/capture-orders/"] = paths.pop("/capture-order/")


@edit(NB, "a new operation is an addition")
def operation_added(spec: Spec) -> None:
    item = need(spec, "paths", "/capture-order/")
    item["get"] = {"operationId": "listCaptures", "responses": {"200": {"description": "x"}}}


@edit(DOCS, "an `x-` extension has no validation meaning (the rules live in the catalogue)")
def schema_extension_changed(spec: Spec) -> None:
    need(schema_of(spec, "OrderStatus"), "enum")
    schema_of(spec, "OrderStatus")["x-capturable"] = ["400"]

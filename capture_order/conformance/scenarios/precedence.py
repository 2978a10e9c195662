"""The order of evaluation: requests breaking two rules at once (CO-ERR-05)."""

from __future__ import annotations

import json

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.needs import Needs, OrderNeed, uncapturable_where
from capture_order.conformance.registry import scenario
from capture_order.conformance.scenarios.request_handling import oversized_body
from capture_order.contract.spec import OPERATION_PATH

MALFORMED = b'{"order": '
BAD_KEY = b"key\twith a tab"


@scenario(
    "CO-ERR-05/method-before-token",
    "CO-ERR-05/size-before-token",
    "CO-ERR-05/token-before-json",
    "CO-ERR-05/media-type-before-json",
    "CO-ERR-05/key-before-body",
    "CO-ERR-05/key-before-lookup",
    "CO-ERR-05/duplicate-before-lookup",
    "CO-ERR-05/idempotency-before-duplicate",
)
def first_broken_rule_decides_the_answer(ctx: ScenarioContext) -> None:
    """Requests breaking two rules, from the method to the order lookup."""
    ctx.token()
    number = ctx.unknown_order()
    valid = json.dumps({"order": number}).encode()
    oversized, shell = oversized_body(number, 1)
    ctx.capture(None, raw=b"", method="GET", token=None)
    ctx.capture(None, raw=oversized, token=None, body_shell=shell)
    ctx.capture(None, raw=MALFORMED, token=None)
    ctx.capture(None, raw=MALFORMED, content_type="text/plain")
    for raw in (MALFORMED, b'{"order": ""}'):
        ctx.capture(None, raw=raw, key=BAD_KEY)
    ctx.capture(None, raw=valid, key=BAD_KEY)
    ctx.capture(number, [1, 1])
    key = ctx.new_key()
    ctx.capture(number, key=key)
    ctx.capture(number, [1, 1], key=key)


STATE_FIRST = "CO-ERR-05/state-before-item"


@scenario(
    STATE_FIRST,
    "CO-ERR-05/unknown-before-captured-item",
    "CO-ERR-05/captured-order-before-item",
    needs=Needs(orders=(OrderNeed(2),)),
    case_needs={STATE_FIRST: uncapturable_where(lambda o: True, "an order")},
)
def order_state_rules_apply_in_order(ctx: ScenarioContext) -> None:
    """Order state before an unknown item before an already captured item."""
    order = ctx.order(min_items=2)
    head, rest = order.items[:1], order.items[1:]
    unknown = ctx.unknown_pk()
    for refused in ctx.settings.uncapturable_orders[:1]:
        ctx.capture(refused.number, [unknown])
    ctx.capture(order.number, head)
    ctx.capture(order.number, [*head, unknown])
    ctx.capture(order.number, rest)
    ctx.capture(order.number, [unknown])


@scenario("CO-ERR-05/path-before-method")
def path_is_judged_before_the_method(ctx: ScenarioContext) -> None:
    """GET and DELETE to the path without its trailing slash."""
    for method in ("GET", "DELETE"):
        ctx.capture(None, raw=b"", method=method, path=OPERATION_PATH.rstrip("/"))

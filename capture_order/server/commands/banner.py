"""What `serve` and `seed` print for people: demo data, the sandbox's access, seeded fixtures.

Every value is printed as it is pasted: a header value whole, an environment variable's value
bare, items as `pk (amount)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from capture_order.contract.facts import minor_digits
from capture_order.server.demo import DemoOrder
from capture_order.server.domain.capture_errors import OrderAlreadyCapturedError

RESET_HINT = "capture-order serve --demo --reset-demo (make serve RESET=1)"


def items_text(items: Iterable[tuple[int, Decimal | str]], currency: str) -> str:
    """Items as `101 (100.10), 102 (200.20)`: each pk with its amount in the currency's digits."""
    unit = Decimal(1).scaleb(-minor_digits(currency))
    return ", ".join(f"{pk} ({Decimal(amount).quantize(unit)})" for pk, amount in items)


def _fixture_items(order: Mapping[str, Any]) -> str:
    pairs = ((item["pk"], item["amount"]) for item in order["items"])
    return items_text(pairs, order["currency"])


def demo_text(fixtures: Mapping[str, Any], orders: Sequence[DemoOrder], base_url: str) -> str:
    """What `serve --demo` prints: where to click, the token, what is capturable now, a curl."""
    api = f"{base_url}/api/v1"
    open_orders = [o for o in orders if o.refusal is None]
    captured = sum(o.refusal == OrderAlreadyCapturedError.code for o in orders)
    closed = [o for o in orders if o.refusal not in (None, OrderAlreadyCapturedError.code)]
    lines = [
        "Capture Order reference server: demo data",
        f"  Swagger UI:     {api}/ui/",
        f"  Endpoint:       POST {api}/capture-order/",
        f"  Authorization:  {fixtures['token']}   (demo token of channel A)",
    ]
    if open_orders:
        lines.append("  Capturable orders (channel A), items as pk (amount):")
        lines += [
            f"    {o.number}  items {items_text(o.left, o.currency)}"
            + (f"   ({o.captured} of its items captured already)" if o.captured else "")
            for o in open_orders
        ]
    else:
        lines.append("  Capturable orders (channel A): none left")
    if captured:
        lines.append(
            f"  Captured already: {captured} of the {len(orders)} demo orders; "
            f"fresh demo data: {RESET_HINT}"
        )
    lines.append("  Not capturable (channel A):")
    lines += [f"    {o.number}  -> 409 {o.refusal}" for o in closed]
    lines += [f"    {o['number']}  -> 409 {o['code']}" for o in fixtures["uncapturable_orders"]]
    lines.append("  Another channel's orders (answered 404 with the token above):")
    lines += [f"    {o['number']}" for o in fixtures["foreign_orders"]]
    lines.append(f"  Token of that other channel: {fixtures['foreign_token']}")
    if open_orders:
        lines += [
            "  Try:",
            f"    curl -s -X POST {api}/capture-order/ -H 'Authorization: {fixtures['token']}' \\",
            "      -H 'Content-Type: application/json' "
            f'-d \'{{"order": "{open_orders[0].number}"}}\'',
        ]
    return "\n".join(lines)


def sandbox_text(base_url: str, token: str, first_order: str, hosts: Sequence[str]) -> str:
    """What `serve --sandbox` prints: the control API, its token, the helper's variables, curls."""
    from capture_order.server.sandbox.control_spec import prefix, sandbox_spec_path
    from capture_order.server.sandbox.launch import TOKEN_ENV, URL_ENV

    control = base_url + prefix()
    auth = f"-H 'Authorization: Bearer {token}'"
    json = "-H 'Content-Type: application/json'"
    who = "loopback" + "".join(f", {h}" for h in hosts)
    return "\n".join(
        [
            "Sandbox control API (state resets on every start)",
            f"  Control API:   {control}   (clients: {who})",
            f"  Admin token:   {token}   (send it as Authorization: Bearer <token>)",
            f"  Document:      {sandbox_spec_path()}",
            "  The Python client and its pytest plugin read these; paste them into your shell:",
            f"    export {URL_ENV}={base_url}",
            f"    export {TOKEN_ENV}={token}",
            "  Try:",
            f"    curl -s {auth} {control}/faults",
            f"    curl -s -X POST {auth} {json} {control}/faults \\",
            f'      -d \'{{"kind": "drop_after_commit", "match": {{"order": "{first_order}"}}}}\'',
            f'    curl -s -X POST {auth} {json} {control}/orders -d \'{{"state": "cancelled"}}\'',
            f"    curl -s -X POST {auth} {json} {control}/clock/advance \\",
            "      -d '{\"seconds\": 604801}'",
            f"    curl -s {auth} {control}/events",
            f"    curl -s -X POST {auth} {control}/reset",
        ]
    )


def fixtures_text(fixtures: Mapping[str, Any]) -> str:
    """What `seed` prints without --json: both channels' tokens and orders, items alike."""
    lines = [f"channel A token: {fixtures['token']}"]
    lines += [f"  {o['number']}  items {_fixture_items(o)}" for o in fixtures["orders"]]
    lines.append("channel A, not capturable:")
    lines += [f"  {o['number']}  -> 409 {o['code']}" for o in fixtures["uncapturable_orders"]]
    lines.append(f"channel B token: {fixtures['foreign_token']}")
    lines += [f"  {o['number']}  items {_fixture_items(o)}" for o in fixtures["foreign_orders"]]
    return "\n".join(lines)

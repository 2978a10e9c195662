"""`serve --demo`: seed a database once, and print the same demo data on every start."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from capture_order.server.seed import seed_fixtures
from capture_order.server.store import Store

DEMO_KEY = "fixtures"


def ensure_demo(store: Store, now: datetime) -> dict[str, Any]:
    """The demo data: created on the first --demo start, read back on later ones."""
    stored = store.demo_value(DEMO_KEY)
    if stored is not None:
        loaded: dict[str, Any] = json.loads(stored)
        return loaded
    # The demo token is kept in plain text on purpose so a restart can show it
    # again; it is demo data, documented as such. Real tokens are kept hashed.
    fixtures = seed_fixtures(store, "", orders=5, items=3, now=now)
    store.set_demo_value(DEMO_KEY, json.dumps(fixtures))
    return fixtures


def _pk(item: Any) -> Any:
    # Demo data stored before issue 13 lists bare pks; newer data lists items with their facts.
    return item["pk"] if isinstance(item, dict) else item


def demo_text(fixtures: dict[str, Any], base_url: str) -> str:
    """What `serve --demo` prints: where to click, the token, the orders, a curl to start."""
    api = f"{base_url}/api/v1"
    first = fixtures["orders"][0]["number"]
    lines = [
        "Capture Order reference server: demo data",
        f"  Swagger UI:     {api}/ui/",
        f"  Endpoint:       POST {api}/capture-order/",
        f"  Authorization:  {fixtures['token']}   (demo token of channel A)",
        "  Capturable orders (channel A), with their item pks:",
        *(
            f"    {o['number']}  items {', '.join(str(_pk(i)) for i in o['items'])}"
            for o in fixtures["orders"]
        ),
        "  Not capturable (channel A):",
        *(f"    {o['number']}  -> 409 {o['code']}" for o in fixtures["uncapturable_orders"]),
        "  Another channel's orders (answered 404 with the token above):",
        *(f"    {o['number']}" for o in fixtures["foreign_orders"]),
        f"  Token of that other channel: {fixtures['foreign_token']}",
        "  Try:",
        f"    curl -s -X POST {api}/capture-order/ -H 'Authorization: {fixtures['token']}' \\",
        f"      -H 'Content-Type: application/json' -d '{{\"order\": \"{first}\"}}'",
    ]
    return "\n".join(lines)

"""`capture-order seed`: two fresh channels and their orders, printed as conformance fixtures."""

from __future__ import annotations

import argparse
import sys

import msgspec

from capture_order.server.settings import DEFAULT_DATABASE_URL

HELP = "create test channels and orders, print them as fixtures"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The seeder's options."""
    parser.add_argument("--database", default=DEFAULT_DATABASE_URL, help="database URL")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--orders", type=int, default=10, help="capturable orders in channel A")
    parser.add_argument("--items", type=int, default=3, help="items per order")
    parser.add_argument("--json", action="store_true", help="print the fixtures as JSON")


def run(args: argparse.Namespace) -> int:
    """Create two channels and their orders; print them as conformance fixtures."""
    from capture_order.server.seed import seed_fixtures
    from capture_order.server.services import utc_now
    from capture_order.server.store import Store

    if args.orders < 1 or args.items < 1:
        print("capture-order seed: --orders and --items must be at least 1", file=sys.stderr)
        return 2
    store = Store.open(args.database)
    try:
        fixtures = seed_fixtures(store, args.base_url, args.orders, args.items, utc_now())
    finally:
        store.close()
    if args.json:
        # msgspec: the stdlib's indented dump took seconds for 60,000 orders.
        print(msgspec.json.format(msgspec.json.encode(fixtures), indent=2).decode("utf-8"))
    else:
        print(f"channel A token: {fixtures['token']}")
        for order in fixtures["orders"]:
            print(f"  {order['number']}  items {[item['pk'] for item in order['items']]}")
        print(f"channel B token: {fixtures['foreign_token']}")
        for order in fixtures["foreign_orders"]:
            print(f"  {order['number']}  items {order['items']}")
    return 0

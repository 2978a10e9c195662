"""capture-order seed: two fresh channels and their orders, printed as conformance fixtures.

Safe to run against a database a server is using; every run makes new channels and tokens, and
its pks continue after those in use.
"""

from __future__ import annotations

import argparse
import sys

import msgspec

from capture_order.server.commands import arguments

HELP = "create test channels and orders, print them as fixtures"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The seeder's options."""
    arguments.add_database(parser)
    parser.add_argument(
        "--base-url",
        default="http://127.0.0.1:8000",
        metavar="URL",
        help="the server's root URL, written into the fixtures as base_url for the suite "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--orders",
        type=arguments.at_least_one,
        default=10,
        metavar="N",
        help="capturable orders in channel A; the last one has a free item (default: %(default)s)",
    )
    parser.add_argument(
        "--items",
        type=arguments.at_least_one,
        default=3,
        metavar="K",
        help="items per order (default: %(default)s)",
    )
    arguments.add_first_pk(parser, "this run")
    parser.add_argument(
        "--json", action="store_true", help="print the fixtures file as JSON (for conformance)"
    )


def run(args: argparse.Namespace) -> int:
    """Create two channels and their orders; print them as conformance fixtures."""
    from capture_order.server.commands.banner import fixtures_text
    from capture_order.server.seeding import seed_fixtures
    from capture_order.server.services import utc_now
    from capture_order.server.store import Store
    from capture_order.server.store.pks import PkRangeError

    store = Store.open(args.database)
    try:
        fixtures = seed_fixtures(
            store, args.base_url, args.orders, args.items, utc_now(), first_pk=args.first_pk
        )
    except PkRangeError as exc:
        print(f"capture-order seed: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.json:
        # msgspec: the stdlib's indented dump took seconds for 60,000 orders.
        print(msgspec.json.format(msgspec.json.encode(fixtures), indent=2).decode("utf-8"))
    else:
        print(fixtures_text(fixtures))
    return 0

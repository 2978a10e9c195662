"""The `capture-order` command: serve, seed, lint, conformance."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from server.settings import DEFAULT_DATABASE_URL, Settings

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capture-order",
        description="Capture Order: reference server, test data, spec lint, conformance suite.",
        epilog="lint and conformance take their own options; see `capture-order lint --help`.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the reference server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--database", default=DEFAULT_DATABASE_URL, help="database URL")
    serve.add_argument("--workers", type=int, default=1, help="server processes")
    serve.add_argument("--demo", action="store_true", help="seed demo data if empty, print it")
    serve.add_argument("--log-level", default="info", choices=LOG_LEVELS)
    serve.add_argument(
        "--validate-responses", action="store_true", help="check every response against the spec"
    )
    seed = commands.add_parser("seed", help="create test channels and orders, print fixtures")
    seed.add_argument("--database", default=DEFAULT_DATABASE_URL, help="database URL")
    seed.add_argument("--base-url", default="http://127.0.0.1:8000")
    seed.add_argument("--orders", type=int, default=10, help="capturable orders in channel A")
    seed.add_argument("--items", type=int, default=3, help="items per order")
    seed.add_argument("--json", action="store_true", help="print the fixtures as JSON")
    commands.add_parser("lint", help="lint the spec", add_help=False)
    commands.add_parser("conformance", help="run the conformance suite", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The suite and the linter parse their own options (their modules load lazily).
    delegated = {"lint": "conformance.lint", "conformance": "conformance.cli"}
    if args_list and args_list[0] in delegated:
        module = importlib.import_module(delegated[args_list[0]])
        return int(module.main(args_list[1:]))
    args = _parser().parse_args(args_list)
    if args.command == "serve":
        return serve(args)
    return seed(args)


def serve(args: argparse.Namespace) -> int:
    """Run the server (and seed demo data first when asked)."""
    import uvicorn

    from server.demo import demo_text, ensure_demo
    from server.logs import configure_logging
    from server.services import utc_now
    from server.store import Store

    settings = Settings(
        database_url=args.database,
        log_level=args.log_level,
        validate_responses=args.validate_responses,
    )
    configure_logging(settings.log_level)
    # Create the tables once here, before several workers could race to do it.
    store = Store.open(settings.database_url)
    try:
        if args.demo:
            base_url = f"http://{args.host}:{args.port}"
            print(demo_text(ensure_demo(store, utc_now()), base_url), flush=True)
    finally:
        store.close()
    os.environ.update(settings.to_env())
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        access_log=False,
        log_config=None,
    )
    return 0


def seed(args: argparse.Namespace) -> int:
    """Create two channels and their orders; print them as conformance fixtures."""
    from server.seed import seed_fixtures
    from server.services import utc_now
    from server.store import Store

    if args.orders < 1 or args.items < 1:
        print("capture-order seed: --orders and --items must be at least 1", file=sys.stderr)
        return 2
    store = Store.open(args.database)
    try:
        fixtures = seed_fixtures(store, args.base_url, args.orders, args.items, utc_now())
    finally:
        store.close()
    if args.json:
        print(json.dumps(fixtures, indent=2))
    else:
        print(f"channel A token: {fixtures['token']}")
        for order in fixtures["orders"]:
            print(f"  {order['number']}  items {order['items']}")
        print(f"channel B token: {fixtures['foreign_token']}")
        for order in fixtures["foreign_orders"]:
            print(f"  {order['number']}  items {order['items']}")
    return 0


def _entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    _entry()

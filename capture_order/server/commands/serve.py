"""`capture-order serve`: the reference server (uvicorn, one or more worker processes)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from capture_order.server.settings import DEFAULT_DATABASE_URL, Settings

HELP = "run the reference server"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--database", default=DEFAULT_DATABASE_URL, help="database URL")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--demo", action="store_true", help="seed demo data if empty, print it")
    parser.add_argument("--log-level", default="info", choices=LOG_LEVELS)
    parser.add_argument(
        "--validate-responses", action="store_true", help="check every response against the spec"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="the control API under /_sandbox/ (openapi/sandbox.yaml); implies --demo",
    )
    parser.add_argument(
        "--sandbox-host",
        action="append",
        default=[],
        type=_network,
        metavar="ADDRESS",
        help="a client address or network (CIDR) besides loopback the control API answers",
    )


def run(args: argparse.Namespace) -> int:
    """Run the server (and seed demo data first when asked)."""
    import uvicorn

    from capture_order.server.demo import demo_text, ensure_demo
    from capture_order.server.logs import configure_logging
    from capture_order.server.services import utc_now
    from capture_order.server.store import Store

    settings = Settings(
        database_url=args.database,
        log_level=args.log_level,
        validate_responses=args.validate_responses,
        sandbox=args.sandbox,
        sandbox_hosts=tuple(args.sandbox_host),
    )
    configure_logging(settings.log_level)
    token = None
    if args.sandbox:
        from capture_order.server.sandbox.startup import admin_token

        try:
            token = admin_token()
        except ValueError as exc:  # a bad CAPTURE_ORDER_SANDBOX_TOKEN: one line, nothing started
            print(f"capture-order serve: {exc}", file=sys.stderr)
            return 2
    # Create the tables once here, before several workers could race to do it.
    store = Store.open(settings.database_url)
    try:
        base_url = f"http://{args.host}:{args.port}"
        if args.demo or args.sandbox:
            fixtures = ensure_demo(store, utc_now())
            print(demo_text(fixtures, base_url), flush=True)
        if token is not None:
            print(start_sandbox(store, base_url, fixtures, token, args.sandbox_host), flush=True)
    finally:
        store.close()
    os.environ.update(settings.to_env())
    uvicorn.run(
        "capture_order.server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        access_log=False,
        log_config=None,
    )
    return 0


def _network(value: str) -> str:
    """A --sandbox-host value, checked here rather than in every worker."""
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IP address or network: {value!r}") from None
    return value


def start_sandbox(
    store: Any, base_url: str, fixtures: dict[str, Any], token: str, hosts: list[str]
) -> str:
    """A fresh sandbox in the database (before any worker starts); what to print."""
    from capture_order.server.sandbox.startup import prepare, sandbox_text
    from capture_order.server.services import utc_now

    prepare(store, token, utc_now())
    return sandbox_text(base_url, token, fixtures, hosts)

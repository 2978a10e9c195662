"""capture-order serve: the reference server (uvicorn, one or more worker processes).

With --demo it seeds demo data into the database once and, on every start, prints the orders of
it that are still capturable; --sandbox adds the control API under /_sandbox/.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from capture_order.server.commands import arguments
from capture_order.server.server_settings import ServerSettings

if TYPE_CHECKING:  # the server extra is imported when the server runs, not for --help
    from capture_order.server.store import Store

HELP = "run the reference server"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
EPILOG = """\
exit status:
  0  stopped (Ctrl-C or SIGTERM)
  2  could not start: the port is in use, an option or CAPTURE_ORDER_SANDBOX_TOKEN is wrong
  3  the server failed while starting (its log says why)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options."""
    parser.epilog = EPILOG
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on; 0.0.0.0 for every IPv4 interface (default: %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=arguments.port,
        default=8000,
        metavar="N",
        help="the TCP port to listen on (default: %(default)s)",
    )
    arguments.add_database(parser)
    parser.add_argument(
        "--workers",
        type=arguments.at_least_one,
        default=1,
        metavar="N",
        help="server processes, at least 1 (default: %(default)s)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="seed demo data (two channels, their tokens and orders) into the database once, "
        "and print what of it is capturable at every start",
    )
    parser.add_argument(
        "--reset-demo",
        action="store_true",
        help="seed fresh demo data (new tokens and orders) in place of the stored demo data; "
        "implies --demo",
    )
    arguments.add_first_pk(parser, "the demo data")
    parser.add_argument(
        "--log-level",
        default="info",
        choices=LOG_LEVELS,
        help="the least severe log lines written (default: %(default)s)",
    )
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
        help="a client address or network (CIDR) besides loopback the control API answers; "
        "repeatable (default: loopback only)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the server (and seed demo data first when asked)."""
    import uvicorn

    from capture_order.server.commands.listening import base_url, listen_problem
    from capture_order.server.logs import configure_logging
    from capture_order.server.store import Store

    settings = ServerSettings(
        database_url=args.database,
        log_level=args.log_level,
        validate_responses=args.validate_responses,
        sandbox=args.sandbox,
        sandbox_hosts=tuple(args.sandbox_host),
    )
    token = None
    if args.sandbox:
        from capture_order.server.sandbox.startup import admin_token

        try:
            token = admin_token()
        except ValueError as exc:  # a bad CAPTURE_ORDER_SANDBOX_TOKEN: one line, nothing started
            print(f"capture-order serve: {exc}", file=sys.stderr)
            return 2
    # Before anything is seeded or printed: a banner for a server that cannot start misleads.
    problem = listen_problem(args.host, args.port)
    if problem is not None:
        print(f"capture-order serve: {problem}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    # Create the tables once here, before several workers could race to do it.
    store = Store.open(settings.database_url)
    try:
        if args.demo or args.reset_demo or args.sandbox:
            _print_demo(store, args, base_url(args.host, args.port), token)
    finally:
        store.close()
    os.environ.update(settings.to_env())
    uvicorn.run(
        "capture_order.server.workers:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        access_log=False,
        log_config=None,
    )
    return 0


def _print_demo(store: Store, args: argparse.Namespace, url: str, token: str | None) -> None:
    """Seed the demo data if needed; print what is capturable now (and the sandbox's access)."""
    from capture_order.server.commands.banner import demo_text, sandbox_text
    from capture_order.server.demo import demo_orders, ensure_demo
    from capture_order.server.services import utc_now

    fixtures = ensure_demo(store, utc_now(), reset=args.reset_demo, first_pk=args.first_pk)
    orders = demo_orders(store, fixtures)
    print(demo_text(fixtures, orders, url), flush=True)
    if token is not None:
        from capture_order.server.sandbox.startup import prepare

        prepare(store, token, utc_now())
        first = next((o.number for o in orders if o.refusal is None), orders[0].number)
        print(sandbox_text(url, token, first, args.sandbox_host), flush=True)


def _network(value: str) -> str:
    """A --sandbox-host value, checked here rather than in every worker."""
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IP address or network: {value!r}") from None
    return value

"""`capture-order serve`: the reference server (uvicorn, one or more worker processes)."""

from __future__ import annotations

import argparse
import os

from server.settings import DEFAULT_DATABASE_URL, Settings

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


def run(args: argparse.Namespace) -> int:
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

"""Options `serve` and `seed` share, and the checked types of their values (argparse errors)."""

from __future__ import annotations

import argparse
from pathlib import Path

from capture_order.server.server_settings import DEFAULT_DATABASE_URL

SQLITE_PREFIX = "sqlite:///"


def database_help() -> str:
    """The --database help, with the default file resolved where this command runs."""
    relative = DEFAULT_DATABASE_URL.removeprefix(SQLITE_PREFIX)
    return (
        "database URL: sqlite:///FILE (a relative FILE is relative to the current directory) "
        f"or postgresql://USER@HOST/DB (default: {DEFAULT_DATABASE_URL}, here "
        f"{Path.cwd() / relative})"
    )


def add_database(parser: argparse.ArgumentParser) -> None:
    """--database, as both commands take it."""
    parser.add_argument(
        "--database", default=DEFAULT_DATABASE_URL, metavar="URL", help=database_help()
    )


def add_first_pk(parser: argparse.ArgumentParser, what: str) -> None:
    """--first-pk: where the pks of what is seeded start."""
    parser.add_argument(
        "--first-pk",
        type=pk,
        metavar="N",
        help=(
            f"the pks of {what}'s orders and of their items start at N, or after the highest "
            "pk already in the database (default: the database's next pk)"
        ),
    )


def at_least_one(value: str) -> int:
    """A count of at least 1."""
    number = _integer(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def port(value: str) -> int:
    """A TCP port to listen on: 1-65535."""
    number = _integer(value)
    if not 1 <= number <= 65_535:
        raise argparse.ArgumentTypeError(f"a port is 1-65535, not {number}")
    return number


def pk(value: str) -> int:
    """A pk the contract allows (its CaptureOrderItem pk bounds)."""
    from capture_order.contract.facts import request_limits

    limits = request_limits()
    number = _integer(value)
    if not limits.pk_min <= number <= limits.pk_max:
        raise argparse.ArgumentTypeError(f"a pk is {limits.pk_min}-{limits.pk_max}, not {number}")
    return number


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None

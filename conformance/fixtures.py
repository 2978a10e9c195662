"""The fixtures a deployment hands the suite: tokens and the orders it may capture."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class FixturesError(ValueError):
    """The fixtures file (or an override) is unreadable or malformed."""


@dataclass(frozen=True)
class FixtureOrder:
    """A capturable order of one sales channel, with the pks of its items."""

    number: str
    items: tuple[int, ...]


@dataclass(frozen=True)
class UncapturableOrder:
    """An order the deployment says cannot be captured, with the 409 `code` it must get."""

    number: str
    code: str


@dataclass(frozen=True)
class Fixtures:
    """Everything the fixtures file says, before flags and environment variables."""

    base_url: str | None = None
    token: str | None = None
    orders: tuple[FixtureOrder, ...] = ()
    foreign_token: str | None = None
    foreign_orders: tuple[FixtureOrder, ...] = ()
    uncapturable_orders: tuple[UncapturableOrder, ...] = ()


UNCAPTURABLE_CODES = ("order_cancelled", "order_refunded", "order_not_capturable")


def load_fixtures(path: Path) -> Fixtures:
    """Read a JSON or TOML fixtures file (TOML when the name ends in .toml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FixturesError(f"cannot read fixtures file {path}: {exc.strerror}") from None
    try:
        data: Any = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FixturesError(f"fixtures file {path} is not valid: {exc}") from None
    return parse_fixtures(data, source=str(path))


def parse_fixtures(data: Any, *, source: str = "fixtures") -> Fixtures:
    """Validate the fixtures document and turn it into values."""
    if not isinstance(data, dict):
        raise FixturesError(f"{source}: expected an object at the top level")
    return Fixtures(
        base_url=_optional_str(data, "base_url", source),
        token=_optional_str(data, "token", source),
        orders=_orders(data.get("orders", []), f"{source}: orders"),
        foreign_token=_optional_str(data, "foreign_token", source),
        foreign_orders=_orders(data.get("foreign_orders", []), f"{source}: foreign_orders"),
        uncapturable_orders=_uncapturable(data.get("uncapturable_orders", []), source),
    )


def _optional_str(data: dict[str, Any], key: str, source: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise FixturesError(f"{source}: {key} must be a non-empty string")
    return value


def _orders(value: Any, where: str) -> tuple[FixtureOrder, ...]:
    if not isinstance(value, list):
        raise FixturesError(f"{where} must be a list")
    orders = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise FixturesError(f"{where}[{index}] must be an object")
        number, items = entry.get("number"), entry.get("items")
        if not isinstance(number, str) or not number:
            raise FixturesError(f"{where}[{index}].number must be a non-empty string")
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(pk, int) and not isinstance(pk, bool) and pk >= 1 for pk in items)
            or len(set(items)) != len(items)
        ):
            raise FixturesError(
                f"{where}[{index}].items must be a non-empty list of distinct pks >= 1"
            )
        if number in seen:
            raise FixturesError(f"{where}[{index}].number {number!r} is listed twice")
        seen.add(number)
        orders.append(FixtureOrder(number, tuple(items)))
    return tuple(orders)


def _uncapturable(value: Any, source: str) -> tuple[UncapturableOrder, ...]:
    where = f"{source}: uncapturable_orders"
    if not isinstance(value, list):
        raise FixturesError(f"{where} must be a list")
    result = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise FixturesError(f"{where}[{index}] must be an object")
        number, code = entry.get("number"), entry.get("code")
        if not isinstance(number, str) or not number:
            raise FixturesError(f"{where}[{index}].number must be a non-empty string")
        if code not in UNCAPTURABLE_CODES:
            raise FixturesError(
                f"{where}[{index}].code must be one of {', '.join(UNCAPTURABLE_CODES)}"
            )
        result.append(UncapturableOrder(number, code))
    return tuple(result)

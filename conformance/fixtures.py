"""The fixtures a deployment hands the suite: tokens and the orders it may capture."""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator


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


SCHEMA_NAME = "fixtures.schema.json"


@functools.cache
def fixtures_validator() -> Draft202012Validator:
    """The validator of the fixtures JSON Schema shipped with the suite."""
    schema = json.loads(files("conformance").joinpath(SCHEMA_NAME).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


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


def _where(path: Sequence[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def parse_fixtures(data: Any, *, source: str = "fixtures") -> Fixtures:
    """Validate the fixtures document against fixtures.schema.json and turn it into values."""
    errors = sorted(fixtures_validator().iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errors:
        error = errors[0]
        where = _where(list(error.absolute_path))
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise FixturesError(f"{source}: {where or 'top level'}: {error.message}{more}")
    return Fixtures(
        base_url=data.get("base_url"),
        token=data.get("token"),
        orders=_orders(data.get("orders", []), f"{source}: orders"),
        foreign_token=data.get("foreign_token"),
        foreign_orders=_orders(data.get("foreign_orders", []), f"{source}: foreign_orders"),
        uncapturable_orders=tuple(
            UncapturableOrder(e["number"], e["code"]) for e in data.get("uncapturable_orders", [])
        ),
    )


def _orders(entries: list[dict[str, Any]], where: str) -> tuple[FixtureOrder, ...]:
    # JSON Schema cannot say "unique by number" across objects; this says it.
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry["number"] in seen:
            raise FixturesError(f"{where}[{index}].number {entry['number']!r} is listed twice")
        seen.add(entry["number"])
    return tuple(FixtureOrder(e["number"], tuple(e["items"])) for e in entries)

"""The fixtures a deployment hands the suite: tokens, the orders it may capture, their facts."""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from capture_order.conformance.exact import exact_sum
from capture_order.contract.facts import capturable_statuses, currencies, order_statuses_all

AttributeValue = str | bool


class FixturesError(ValueError):
    """The fixtures file (or an override) is unreadable or malformed."""


@dataclass(frozen=True)
class FixtureOrder:
    """An order of one sales channel, with the pks of its items and what the file says of it.

    The facts (status, currency, amount, item amounts and attributes) are optional: None or
    absent from the mappings when the file does not give them.
    """

    number: str
    items: tuple[int, ...]
    status: str | None = None
    currency: str | None = None
    amount: Decimal | None = None
    item_amounts: Mapping[int, Decimal] = field(default_factory=dict, hash=False)
    item_attributes: Mapping[int, Mapping[str, AttributeValue]] = field(
        default_factory=dict, hash=False
    )

    @property
    def has_free_item(self) -> bool:
        """Whether the facts show an item of amount 0, items that cost, and no other rest.

        Then capturing the costly items captures the whole `amount` while the free item is
        left (CO-MON-01/zero-amount-item).
        """
        amounts = [self.item_amounts.get(pk) for pk in self.items]
        known = [a for a in amounts if a is not None]
        return (
            len(known) == len(amounts) > 1
            and 0 in known
            and any(a > 0 for a in known)
            and self.amount == exact_sum(known)
        )

    def as_fixture(self) -> dict[str, Any]:
        """The order as the fixtures file writes it, facts included (amounts as text)."""
        found: dict[str, Any] = {"number": self.number}
        for name in ("status", "currency"):
            if getattr(self, name) is not None:
                found[name] = getattr(self, name)
        if self.amount is not None:
            found["amount"] = str(self.amount)
        items: list[Any] = []
        for pk in self.items:
            item: dict[str, Any] = {"pk": pk}
            if pk in self.item_amounts:
                item["amount"] = str(self.item_amounts[pk])
            if pk in self.item_attributes:
                item["attributes"] = dict(self.item_attributes[pk])
            items.append(item if len(item) > 1 else pk)
        found["items"] = items
        return found


@dataclass(frozen=True)
class UncapturableOrder:
    """An order the deployment says cannot be captured, with the 409 `code` it must get."""

    number: str
    code: str
    status: str | None = None
    cancel_status: str | None = None
    cancel_status_known: bool = False  # the file says cancel_status (null is a fact too)

    def as_fixture(self) -> dict[str, Any]:
        """The order as the fixtures file writes it."""
        found: dict[str, Any] = {"number": self.number, "code": self.code}
        if self.status is not None:
            found["status"] = self.status
        if self.cancel_status_known:
            found["cancel_status"] = self.cancel_status
        return found


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
    schema = json.loads(
        files("capture_order.conformance").joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
    )
    return Draft202012Validator(schema)


def load_fixtures(path: Path) -> Fixtures:
    """Read a JSON or TOML fixtures file (TOML when the name ends in .toml); amounts exact."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FixturesError(f"cannot read fixtures file {path}: {exc.strerror}") from None
    try:
        data: Any = (
            tomllib.loads(text, parse_float=Decimal)
            if path.suffix == ".toml"
            else json.loads(text, parse_float=Decimal)
        )
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
        orders=_orders(data.get("orders", []), f"{source}: orders", capturable=True),
        foreign_token=data.get("foreign_token"),
        foreign_orders=_orders(data.get("foreign_orders", []), f"{source}: foreign_orders"),
        uncapturable_orders=tuple(
            _uncapturable(e, f"{source}: uncapturable_orders[{i}]")
            for i, e in enumerate(data.get("uncapturable_orders", []))
        ),
    )


def _uncapturable(entry: dict[str, Any], where: str) -> UncapturableOrder:
    status = entry.get("status")
    if status is not None and status not in order_statuses_all():
        raise FixturesError(f"{where}.status {status!r} is not an OrderStatus of the spec")
    return UncapturableOrder(
        entry["number"],
        entry["code"],
        status,
        entry.get("cancel_status"),
        "cancel_status" in entry,
    )


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _orders(
    entries: list[dict[str, Any]], where: str, *, capturable: bool = False
) -> tuple[FixtureOrder, ...]:
    # JSON Schema cannot say "unique by number" or "unique by pk" across objects; this says it.
    seen: set[str] = set()
    found = []
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        if entry["number"] in seen:
            raise FixturesError(f"{at}.number {entry['number']!r} is listed twice")
        seen.add(entry["number"])
        items = [i if isinstance(i, dict) else {"pk": i} for i in entry["items"]]
        pks = [i["pk"] for i in items]
        if len(set(pks)) != len(pks):
            raise FixturesError(f"{at}.items lists a pk twice")
        status, currency = entry.get("status"), entry.get("currency")
        if status is not None and capturable and status not in capturable_statuses():
            raise FixturesError(f"{at}.status {status!r} is not a capturable status of the spec")
        if currency is not None and currency not in currencies():
            raise FixturesError(f"{at}.currency {currency!r} is not a Currency of the spec")
        found.append(
            FixtureOrder(
                entry["number"],
                tuple(pks),
                status,
                currency,
                _amount(entry.get("amount")),
                {i["pk"]: Decimal(str(i["amount"])) for i in items if "amount" in i},
                {i["pk"]: dict(i["attributes"]) for i in items if "attributes" in i},
            )
        )
    return tuple(found)

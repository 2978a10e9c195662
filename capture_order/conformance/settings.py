"""One run's settings: the fixtures file, overridden by environment variables, then by flags."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from capture_order.conformance.fixtures import (
    FixtureOrder,
    Fixtures,
    FixturesError,
    UncapturableOrder,
    load_fixtures,
)
from capture_order.conformance.options import OptionError, from_env

DEFAULT_MAX_EXAMPLES = 100


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, resolved once."""

    base_url: str
    token: str | None = None
    orders: tuple[FixtureOrder, ...] = ()
    foreign_token: str | None = None
    foreign_orders: tuple[FixtureOrder, ...] = ()
    uncapturable_orders: tuple[UncapturableOrder, ...] = ()
    report_dir: Path | None = None
    rate_limit: float | None = None
    max_response_time_ms: float | None = None
    seed: int = field(default_factory=lambda: secrets.randbits(32))
    seed_given: bool = False
    max_examples: int = DEFAULT_MAX_EXAMPLES
    workers: int = 1
    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    verbose: bool = False
    fixtures_path: Path | None = None
    profile: str = "default"

    def secrets(self) -> tuple[str, ...]:
        """Credential values that must never appear in output."""
        values = []
        for token in (self.token, self.foreign_token):
            if token:
                values.append(token)
                key = token.split(" ", 1)[-1]
                if len(key) >= 6:
                    values.append(key)
        return tuple(values)

    def redacted(self) -> dict[str, Any]:
        """The settings as a JSON-able dict with credentials replaced."""
        return {
            "base_url": self.base_url,
            "token": "<redacted>" if self.token else None,
            "foreign_token": "<redacted>" if self.foreign_token else None,
            "orders": [o.as_fixture() for o in self.orders],
            "foreign_orders": [o.as_fixture() for o in self.foreign_orders],
            "uncapturable_orders": [o.as_fixture() for o in self.uncapturable_orders],
            "fixtures": str(self.fixtures_path) if self.fixtures_path else None,
            "report_dir": str(self.report_dir) if self.report_dir else None,
            "rate_limit": self.rate_limit,
            "max_response_time_ms": self.max_response_time_ms,
            "seed": self.seed,
            "max_examples": self.max_examples,
            "workers": self.workers,
            "only": sorted(self.only),
            "skip": sorted(self.skip),
            "profile": self.profile,
        }

    def fixtures_redacted(self) -> dict[str, Any]:
        """What the fixtures gave the run (after flags and environment), tokens removed."""
        return {
            "base_url": self.base_url,
            "token": "<redacted>" if self.token else None,
            "orders": [o.as_fixture() for o in self.orders],
            "foreign_token": "<redacted>" if self.foreign_token else None,
            "foreign_orders": [o.as_fixture() for o in self.foreign_orders],
            "uncapturable_orders": [o.as_fixture() for o in self.uncapturable_orders],
        }


def normalise_token(value: str | None) -> str | None:
    """A token as the `Authorization` value: `Token <key>` (a bare key gets the scheme).

    The scheme is case-insensitive and followed by spaces (CO-AUTH-03), so `token <key>`
    is kept as given.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    return value if re.match(r"(?i)token +\S", value) else f"Token {value}"


def resolve(flags: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    """Merge fixtures file < environment < flags; raise FixturesError when unusable."""
    try:
        values = from_env(os.environ if env is None else env)
    except OptionError as exc:
        raise FixturesError(str(exc)) from None
    for name, value in flags.items():
        if value is not None and value != () and value != []:
            values[name] = value
    fixtures_path = Path(values["fixtures"]) if values.get("fixtures") else None
    fixtures = load_fixtures(fixtures_path) if fixtures_path else Fixtures()
    base_url = values.get("base_url") or fixtures.base_url
    if not base_url:
        raise FixturesError("no base URL: pass --base-url, set CAPTURE_ORDER_BASE_URL or base_url")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FixturesError(f"base URL {base_url!r} is not an http(s) URL")
    seed = values.get("seed")
    return Settings(
        base_url=base_url.rstrip("/"),
        token=normalise_token(values.get("token") or fixtures.token),
        orders=fixtures.orders,
        foreign_token=normalise_token(values.get("foreign_token") or fixtures.foreign_token),
        foreign_orders=fixtures.foreign_orders,
        uncapturable_orders=fixtures.uncapturable_orders,
        report_dir=Path(values["report_dir"]) if values.get("report_dir") else None,
        rate_limit=_positive(values.get("rate_limit"), "rate limit"),
        max_response_time_ms=_positive(values.get("max_response_time"), "max response time"),
        seed=seed if seed is not None else secrets.randbits(32),
        seed_given=seed is not None,
        max_examples=int(_positive(values.get("max_examples"), "max examples") or 0)
        or DEFAULT_MAX_EXAMPLES,
        workers=int(_positive(values.get("workers"), "workers") or 1),
        only=frozenset(values.get("only") or ()),
        skip=frozenset(values.get("skip") or ()),
        verbose=bool(values.get("verbose")),
        fixtures_path=fixtures_path,
        profile=values.get("profile") or "default",
    )


def _positive(value: float | None, what: str) -> float | None:
    if value is not None and value <= 0:
        raise FixturesError(f"{what} must be positive, got {value!r}")
    return value

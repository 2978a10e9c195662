"""Run-time settings, read once from the command line or the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from capture_order.contract.facts import request_limits

DEFAULT_DATABASE_URL = "sqlite:///var/capture-order.sqlite3"
ENV_PREFIX = "CAPTURE_ORDER_"


@dataclass(frozen=True)
class ServerSettings:
    """Everything the app needs to know at start-up."""

    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "info"
    validate_responses: bool = False
    idempotency_retention: timedelta = timedelta(days=7)
    max_body_bytes: int = field(default_factory=lambda: request_limits().body_bytes)
    # `serve --sandbox`: the control API on, and the client networks besides loopback it answers.
    sandbox: bool = False
    sandbox_hosts: tuple[str, ...] = ()

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes."""
        return {
            f"{ENV_PREFIX}DATABASE_URL": self.database_url,
            f"{ENV_PREFIX}LOG_LEVEL": self.log_level,
            f"{ENV_PREFIX}VALIDATE_RESPONSES": "1" if self.validate_responses else "0",
            f"{ENV_PREFIX}IDEMPOTENCY_RETENTION_DAYS": str(
                self.idempotency_retention / timedelta(days=1)
            ),
            f"{ENV_PREFIX}SANDBOX": "1" if self.sandbox else "0",
            f"{ENV_PREFIX}SANDBOX_HOSTS": ",".join(self.sandbox_hosts),
        }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServerSettings:
        """ServerSettings from `CAPTURE_ORDER_*` variables, defaults for the rest."""
        env = os.environ if env is None else env
        defaults = cls()
        retention = env.get(f"{ENV_PREFIX}IDEMPOTENCY_RETENTION_DAYS")
        return cls(
            database_url=env.get(f"{ENV_PREFIX}DATABASE_URL", defaults.database_url),
            log_level=env.get(f"{ENV_PREFIX}LOG_LEVEL", defaults.log_level),
            validate_responses=env.get(f"{ENV_PREFIX}VALIDATE_RESPONSES", "0") in ("1", "true"),
            idempotency_retention=(
                timedelta(days=float(retention)) if retention else defaults.idempotency_retention
            ),
            sandbox=env.get(f"{ENV_PREFIX}SANDBOX", "0") in ("1", "true"),
            sandbox_hosts=tuple(
                h for h in env.get(f"{ENV_PREFIX}SANDBOX_HOSTS", "").split(",") if h
            ),
        )

"""The app a uvicorn worker process serves, from `CAPTURE_ORDER_*` variables.

It sits above both apps (`server.app` and `server.sandbox.app`), so neither imports the other
back.
"""

from __future__ import annotations

from typing import Any

from capture_order.server.app import create_app
from capture_order.server.logs import configure_logging
from capture_order.server.sandbox.sandbox_app import sandbox_app
from capture_order.server.server_settings import ServerSettings
from capture_order.server.services import serving_start


def app_from_env() -> Any:
    """Factory for uvicorn worker processes: settings from `CAPTURE_ORDER_*` variables."""
    settings = ServerSettings.from_env()
    configure_logging(settings.log_level)
    if settings.sandbox:
        return sandbox_app(settings)
    return create_app(settings, start=serving_start)

"""Logging set-up: one line per record on stderr; library chatter kept out."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(level: str) -> None:
    """Send the app's logs to stderr at `level`."""
    numeric = logging.getLevelNamesMapping().get(level.upper())
    if numeric is None:
        raise ValueError(f"unknown log level {level!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    # Connexion logs every problem and its request details on its own; our
    # handlers log what matters, so only its warnings and errors get through.
    logging.getLogger("connexion").setLevel(max(numeric, logging.WARNING))

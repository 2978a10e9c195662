"""The pinned npm tools (Spectral, Redocly CLI) under the checkout's `.npm-tools/`."""

from __future__ import annotations

import os
from pathlib import Path


def checkout_root() -> Path:
    """The checkout holding `.npm-tools/` and `.spectral.yaml` (when run from source)."""
    return Path(__file__).resolve().parents[2]


def find_tool(name: str, variable: str) -> Path | None:
    """The tool's binary: the path in $`variable`, else the checkout's pinned copy."""
    configured = os.environ.get(variable)
    candidate = (
        Path(configured) if configured else checkout_root() / ".npm-tools/node_modules/.bin" / name
    )
    return candidate if candidate.is_file() else None

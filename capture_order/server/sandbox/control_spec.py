"""The control API's own OpenAPI document (never part of the capture contract)."""

from __future__ import annotations

import functools
from pathlib import Path

from capture_order.contract.spec import Spec, base_path, read_spec

SPEC_NAME = "sandbox.yaml"


def sandbox_spec_path() -> Path:
    """`openapi/sandbox.yaml` of the checkout, else the copy an installed wheel carries."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[2] / "openapi" / SPEC_NAME, here / SPEC_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SPEC_NAME} not found near {here}")


@functools.cache
def sandbox_spec() -> Spec:
    """The control API's document, parsed once (treat it as read-only)."""
    return read_spec(sandbox_spec_path())


def prefix() -> str:
    """The control API's path prefix (`/_sandbox`), from the document's server URL."""
    return base_path(sandbox_spec())

"""Fixtures of the spec tests: the contract as a fresh dict, the checkout's root."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from capture_order.contract.spec import spec_path

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spec_file() -> Path:
    """The contract file of this checkout."""
    path = spec_path()
    assert path == REPO_ROOT / "openapi" / "capture-order.yaml"
    return path


@pytest.fixture(scope="session")
def pristine_spec(spec_file: Path) -> dict[str, Any]:
    """The contract as parsed once; never mutate it."""
    with spec_file.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@pytest.fixture
def spec(pristine_spec: dict[str, Any]) -> dict[str, Any]:
    """A private copy of the contract that a test may change."""
    return copy.deepcopy(pristine_spec)

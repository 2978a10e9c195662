"""Shared fixtures: one reference server per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conformance.reference import Reference, reference_server


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    """A reference server on a fresh SQLite file, for this module's tests."""
    with reference_server(Path(tmp_path_factory.mktemp("reference"))) as server:
        yield server

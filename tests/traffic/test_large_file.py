"""A large NDJSON file is judged as a stream, in memory that does not grow with the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.traffic.bench import judge
from tests.traffic.synthetic import write

pytestmark = pytest.mark.slow
# `make bench-traffic` judges 200 MB and prints the rate and the peak RSS.
MEGABYTES = 20
PEAK_MIB = 400


def test_large_ndjson_is_judged_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.ndjson"
    count = write(path, MEGABYTES)
    code, _, peak_kib, traffic = judge(path, tmp_path / "report")
    assert code == 0
    assert traffic["judged"] == count
    assert peak_kib / 1024 < PEAK_MIB, "memory grows with the file"

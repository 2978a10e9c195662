"""`python -m bench --quick` runs end to end: real servers, wrk, the table, ratios and files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("wrk") is None,
        reason="wrk is not installed (`make bench INSTALL_WRK=1` installs it)",
    ),
]


def test_quick_bench_prints_the_table_and_ratio_with_no_errors(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--rounds", "1", "--duration", "1", "--configs", "a,b",
         "--connections", "16", "--out-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "round 1/1 · 16 connections · (a)" in done.stdout
    assert "(a)/(b): Connexion and all over our own code's ceiling, 16 connections:" in done.stdout
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    rows = {row["key"]: row for row in results["rows"]}
    assert set(rows) == {"a", "b"}
    for row in rows.values():
        assert row["requests"] > 0 and row["errors"] == 0, row
        assert row["peak_rss_mib"] > 10 and row["cpu_ms"] > 0
        # SQLite runs in the server's process; wrk and the server keep the cores busy.
        assert row["database_cpu_ms"] < row["cpu_ms"] and 0.2 < row["busy"] <= 1.0, row
    assert (tmp_path / "table.md").read_text(encoding="utf-8").startswith("| configuration |")

"""Schemathesis, all checks, against the running server with real orders fed in: finds nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from capture_order.contract.spec import spec_path
from tests.server.conftest import Deployment

CONFIG = """
[warnings]
fail-on = ["missing_auth", "missing_test_data"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "413", "415"]

[checks.positive_data_acceptance]
expected-statuses = ["200", "404", "409", "422"]
"""


@pytest.mark.slow
@pytest.mark.requirement(
    "CO-RSP-01", "CO-RSP-02", "CO-ERR-01", "CO-ERR-03", "CO-REQ-04", "CO-AUTH-01"
)
def test_schemathesis_finds_nothing(live: Deployment, tmp_path: Path) -> None:
    orders = [live.order(2).fixture() for _ in range(60)]
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.server.st_hooks",
        "CAPTURE_ORDER_ST_ORDERS": json.dumps(orders),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(config),
        "run", str(spec_path()),
        "--url", live.server.base_url + "/api/v1",
        "-H", f"Authorization: {live.a.authorization}",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", "40",
        "--seed", "20241121",
        "--max-time", "30",
    ]  # fmt: skip
    run = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    states = [live.store.order(live.a.id, o["number"]) for o in orders]
    captured = [s for s in states if s is not None and s.captured_pks]
    assert captured, "no fuzz case reached a real order"

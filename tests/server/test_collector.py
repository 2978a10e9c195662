"""A serving process freezes its start-up heap once its services are up (docs/performance.md)."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from tests.harness import ROOT

PROBE = """
import gc, os
from starlette.testclient import TestClient
from capture_order.server.workers import app_from_env
from capture_order.server.collector import THRESHOLDS
os.environ["CAPTURE_ORDER_DATABASE_URL"] = "sqlite:///" + os.environ["PROBE_DB"]
before = gc.get_freeze_count()
app = app_from_env()
assert gc.get_freeze_count() == before, "frozen before the services started"
with TestClient(app) as client:
    assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()
    assert gc.get_threshold() == THRESHOLDS, gc.get_threshold()
    assert client.post("/api/v1/capture-order/", json={"order": "x"}).status_code == 401
print("ok")
"""


def test_a_serving_process_freezes_its_startup_heap_when_its_services_start(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"PROBE_DB": str(tmp_path / "probe.sqlite3"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


def test_an_app_started_in_a_test_process_leaves_its_collector_alone(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from capture_order.server.app import create_app
    from capture_order.server.server_settings import ServerSettings

    before = (gc.get_freeze_count(), gc.get_threshold())
    app = create_app(ServerSettings(database_url=f"sqlite:///{tmp_path / 'store.sqlite3'}"))
    with TestClient(app) as client:
        assert client.post("/api/v1/capture-order/", json={"order": "x"}).status_code == 401
        assert (gc.get_freeze_count(), gc.get_threshold()) == before

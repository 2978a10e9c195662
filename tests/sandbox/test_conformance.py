"""The conformance suite passes against `serve --sandbox` with nothing armed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from capture_order.server.sandbox.launch import SandboxServer
from capture_order.server.seeding import seed_fixtures
from capture_order.server.store import Store
from tests.harness import REFERENCE_VERDICTS, run_suite


@pytest.mark.slow
@pytest.mark.requirement("CO-SBX-04", "CO-SBX-05")
def test_the_suite_passes_against_the_sandbox_with_nothing_armed(tmp_path: Path) -> None:
    with SandboxServer() as server:
        store = Store.open(server.database)
        try:
            fixtures = seed_fixtures(store, server.base_url, 20, 3, datetime.now(UTC))
        finally:
            store.close()
        path = tmp_path / "fixtures.json"
        path.write_text(json.dumps(fixtures), encoding="utf-8")
        outcome = run_suite(
            "--fixtures", str(path), "--seed", "3", "--max-examples", "10", report_dir=tmp_path
        )
        with server.client() as sandbox:
            injected = [e for e in sandbox.events(limit=1000).events if e.type == "fault.injected"]
            captured = [
                e for e in sandbox.events(limit=1000).events if e.type.startswith("capture.")
            ]
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert "Verdict: CONFORMANT" in outcome.stdout
    assert {i: s for i, s in outcome.verdicts().items() if s != "PASS"} == REFERENCE_VERDICTS
    assert injected == [] and captured  # the suite's captures went through the sandbox's edge

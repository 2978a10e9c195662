"""The conformance suite against the server on PostgreSQL with two workers: conformant."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import REFERENCE_VERDICTS, Reference, ServerProcess, free_port, run_suite

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_the_suite_finds_two_workers_on_postgres_conformant(
    postgres_url: str, tmp_path: Path
) -> None:
    # The same run as against the SQLite reference: every rule holds with the requests spread
    # over two processes that share one PostgreSQL database (issue 9's "every rule still holds").
    args = ["--database", postgres_url, "--workers", "2", "--log-level", "warning"]
    server = ServerProcess(args, tmp_path / "server.log", free_port()).start()
    try:
        fixtures = Reference(server, postgres_url, tmp_path).seed()
        outcome = run_suite(
            "--fixtures", str(fixtures), "--seed", "3", "--max-examples", "30", report_dir=tmp_path
        )
    finally:
        server.stop()
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr + server.output()
    assert "Verdict: CONFORMANT (every MUST case checked and passed)" in outcome.stdout
    assert {i: s for i, s in outcome.verdicts().items() if s != "PASS"} == REFERENCE_VERDICTS

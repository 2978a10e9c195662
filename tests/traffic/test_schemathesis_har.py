"""A HAR written by another producer: Schemathesis' `st run --report har` against the server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_file
from capture_order.contract.spec import spec_path
from tests.harness import PYTHON, Reference

pytestmark = pytest.mark.slow


def test_schemathesis_har_is_judged_conformant(reference: Reference, tmp_path: Path) -> None:
    fixtures = json.loads(reference.seed(orders=2, items=2).read_text(encoding="utf-8"))
    config = tmp_path / "schemathesis.toml"
    # Explicit, so no stray config is read. By default Schemathesis writes `[Filtered]` for
    # Authorization, Idempotency-Key and WWW-Authenticate, values the rules read; the judge
    # redacts tokens itself.
    config.write_text("[output.sanitization]\nenabled = false\n", encoding="utf-8")
    done = subprocess.run(
        [
            PYTHON,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            str(spec_path()),
            "--url",
            reference.base_url + "/api/v1",
            "-H",
            f"Authorization: {fixtures['token']}",
            "--phases",
            "examples,coverage",
            "--max-examples",
            "5",
            "--seed",
            "1",
            "--report",
            "har",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    hars = list(tmp_path.glob("har-*"))  # Schemathesis names it har-<time>.json
    assert hars, done.stdout[-2000:] + done.stderr[-2000:]
    report = judge_file(hars[0], Settings(base_url="traffic", seed=0))
    assert report.traffic is not None and report.traffic["format"] == "har"
    assert report.traffic["judged"] > 20
    bad = {
        r.requirement.id: r.status.value
        for r in report.requirements
        if r.status.value in ("FAIL", "WARN", "ERROR")
    }
    assert bad == {}, [f.title for r in report.requirements for _, f in r.findings][:5]
    assert fixtures["token"].split(" ", 1)[-1] not in json.dumps(
        [f.curl for r in report.requirements for _, f in r.findings]
    )

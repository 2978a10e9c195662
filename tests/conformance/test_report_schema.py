"""report.json has a JSON Schema, shipped with the suite, that documents every verdict value."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from capture_order.conformance.http import Exchange
from capture_order.conformance.report.json import SCHEMA_NAME, schema_errors, to_dict
from capture_order.conformance.runner import RunReport
from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_exchanges
from capture_order.conformance.verdict import Status, Verdict
from tests.harness import ROOT

README = ROOT / "README.md"


def _schema() -> dict[str, Any]:
    text = files("capture_order.conformance.report").joinpath(SCHEMA_NAME).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _documented(definition: dict[str, Any]) -> dict[str, str]:
    return {choice["const"]: choice["description"] for choice in definition["oneOf"]}


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(_schema())


def test_every_verdict_and_status_value_is_documented_in_the_schema() -> None:
    definitions = _schema()["$defs"]
    verdicts = _documented(definitions["verdict"])
    statuses = _documented(definitions["status"])
    assert set(verdicts) == {v.value for v in Verdict}
    assert set(statuses) == {s.value for s in Status}
    assert all(len(text) > 20 for text in (*verdicts.values(), *statuses.values()))
    for verdict, code in (("CONFORMANT", "0"), ("NOT_CONFORMANT", "1"), ("ERROR", "2")):
        assert f"Exit code {code}" in verdicts[verdict]


def test_the_readme_documents_every_verdict_value_of_report_json() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("conformance/report/report.schema.json", 1)[1][:3000]
    for verdict in Verdict:
        assert re.search(rf"`{verdict.value}`", section), verdict.value


def _exchange(status: int, body: bytes) -> Exchange:
    return Exchange(
        method="POST",
        url="http://127.0.0.1:1/api/v1/capture-order/",
        request_headers=(("Content-Type", "application/json"),),
        request_body=b'{"order": "CO-\xc3\x87-1"}',
        status=status,
        response_headers=(
            ("Content-Type", "application/problem+json"),
            ("WWW-Authenticate", "Token"),
        ),
        response_body=body,
        elapsed_ms=1.0,
        source="traffic",
    )


def test_a_traffic_report_and_a_run_that_could_not_run_fit_the_schema() -> None:
    problem = (
        b'{"type":"/problems/authentication-failed","title":"Authentication failed",'
        b'"status":401,"detail":"No token.","code":"authentication_failed"}'
    )
    traffic = judge_exchanges([_exchange(401, problem)], Settings(base_url="traffic", seed=0))
    assert schema_errors(to_dict(traffic)) == []
    broken = RunReport(Settings(base_url="http://127.0.0.1:1", seed=1), "2026-12-07T10:00:00+00:00")
    broken.error = "1 of 3 fixture orders was captured already"
    data = to_dict(broken)
    assert data["verdict"] == "ERROR" and data["exit_code"] == 2
    assert schema_errors(data) == []


def test_the_schema_refuses_a_verdict_it_does_not_document(tmp_path: Path) -> None:
    data = to_dict(judge_exchanges([_exchange(500, b"oops")], Settings(base_url="t", seed=0)))
    assert schema_errors(data) == []
    data["verdict"] = "PASSED"
    data["requirements"][0]["cases"][0]["status"] = "OK"
    errors = schema_errors(data)
    assert any(line.startswith("verdict:") for line in errors), errors
    assert any(line.startswith("requirements/0/cases/0/status:") for line in errors), errors

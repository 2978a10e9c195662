"""Traffic files of several producers and shapes: judged, or refused with one clear line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema

from capture_order.conformance.settings import Settings
from capture_order.conformance.traffic.run import judge_file
from tests.harness import PYTHON, ROOT
from tests.traffic.samples import example, har_entry, minimal_har, ndjson_line, write_json

SCHEMA = ROOT / "capture_order" / "conformance" / "traffic" / "exchange.schema.json"


def _settings() -> Settings:
    return Settings(base_url="traffic", seed=0)


def _traffic(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "capture_order", "conformance", "--traffic", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_hand_written_minimal_har_is_judged(tmp_path: Path) -> None:
    order = example("OrderFullyCaptured")
    har = minimal_har(
        [
            har_entry({"order": order["number"]}, 200, order),
            har_entry({"order": "CO-404"}, 404, example("OrderNotFound"), base64_body=True),
        ]
    )
    report = judge_file(write_json(tmp_path / "hand.har", har), _settings())
    verdicts = {r.requirement.id: r.status.value for r in report.requirements}
    assert report.traffic is not None and report.traffic["judged"] == 2
    assert verdicts["CO-RSP-02"] == "PASS" and verdicts["CO-ERR-01"] == "PASS"
    assert "FAIL" not in verdicts.values()
    idem = next(r for r in report.requirements if r.requirement.id == "CO-IDEM-01")
    assert idem.status.value == "SKIP" and "not observed in 2 exchanges" in idem.reason


def test_a_200_that_breaks_the_schema_fails_from_a_har(tmp_path: Path) -> None:
    order = {**example("OrderFullyCaptured"), "amount": "1000"}
    har = minimal_har([har_entry({"order": order["number"]}, 200, order)])
    report = judge_file(write_json(tmp_path / "bad.har", har), _settings())
    result = next(r for r in report.requirements if r.requirement.id == "CO-RSP-02")
    assert result.status.value == "FAIL"
    assert result.findings[0][1].curl[0].startswith("curl ")
    assert "0123456789abcdef" not in json.dumps([f.curl for _, f in result.findings])


def test_malformed_har_is_one_line_naming_the_entry_and_exit_2(tmp_path: Path) -> None:
    good = json.dumps(har_entry({"order": "CO-1"}, 404, example("OrderNotFound")))
    path = tmp_path / "broken.har"
    path.write_text('{"log": {"entries": [' + good + ", " + good[:-40] + "}}", encoding="utf-8")
    done = _traffic(str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "entry 2" in done.stderr and "Traceback" not in done.stderr


def test_har_entry_without_a_request_is_named(tmp_path: Path) -> None:
    path = write_json(tmp_path / "odd.har", minimal_har([{"response": {"status": 200}}]))
    done = _traffic(str(path))
    assert done.returncode == 2
    assert "entry 1: no request or response object" in done.stderr


def test_truncated_last_line_is_skipped_and_reported(tmp_path: Path) -> None:
    line = ndjson_line(404, example("OrderNotFound"), {"order": "CO-1"})
    path = tmp_path / "cut.ndjson"
    path.write_text(line * 3 + line[: len(line) // 2], encoding="utf-8")
    report = judge_file(path, _settings())
    assert report.traffic is not None
    assert report.traffic["judged"] == 3 and report.traffic["truncated_last_line"] == "line 4"
    done = _traffic(str(path))
    assert done.returncode == 0, done.stderr
    assert "(line 4) was cut off" in done.stdout


def test_malformed_line_in_the_middle_is_exit_2_naming_it(tmp_path: Path) -> None:
    line = ndjson_line(404, example("OrderNotFound"), {"order": "CO-1"})
    path = tmp_path / "bad.ndjson"
    path.write_text(line + "{not json\n" + line, encoding="utf-8")
    done = _traffic(str(path))
    assert done.returncode == 2
    assert done.stderr.strip().endswith(")") and "line 2: not valid JSON" in done.stderr


def test_other_paths_are_skipped_and_counted(tmp_path: Path) -> None:
    line = ndjson_line(404, example("OrderNotFound"), {"order": "CO-1"})
    other = line.replace("/api/v1/capture-order/", "/api/v1/orders/")
    path = tmp_path / "mixed.ndjson"
    path.write_text(line + other + other, encoding="utf-8")
    report = judge_file(path, _settings())
    assert report.traffic is not None
    assert report.traffic["judged"] == 1
    assert report.traffic["skipped"] == {"another path than /api/v1/capture-order/": 2}
    done = _traffic(str(tmp_path / "missing.ndjson"))
    assert done.returncode == 2 and "cannot read" in done.stderr
    only_other = tmp_path / "other.ndjson"
    only_other.write_text(other, encoding="utf-8")
    done = _traffic(str(only_other))
    assert done.returncode == 2 and "no exchange of the capture-order operation" in done.stderr


def test_ndjson_lines_follow_the_shipped_schema(tmp_path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    line = ndjson_line(200, example("OrderFullyCaptured"), {"order": "CO-000001"})
    jsonschema.Draft202012Validator(schema).validate(json.loads(line))

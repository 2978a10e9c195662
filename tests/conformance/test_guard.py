"""The suite's HTTP layer sends no capture for an order outside the fixtures, and says so."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from capture_order.conformance.context import ScenarioContext
from capture_order.conformance.guard import CaptureGuard, RefusedCaptureError
from capture_order.conformance.http import Client
from capture_order.conformance.needs import Needs
from capture_order.conformance.registry import SCENARIOS, Scenario
from capture_order.conformance.runner import run
from capture_order.conformance.settings import resolve
from capture_order.conformance.verdict import Verdict
from tests.harness import Reference

PREFIX = "cofuzz-0000abcd-"
GUARD = CaptureGuard(PREFIX, ["CO-1", "co-Mixed-9"])
UNKNOWN = 9_000_000_000_000_000_001


@pytest.mark.parametrize(
    "body",
    [
        b'{"order": "CO-1"}',
        b'{"order": "cofuzz-0000abcd-anything"}',
        b'{"order": ""}',
        b'{"order": 12345}',
        b"[[[[]]]]",
        b'{"order": "CO-MIXED-9", "order_items": [{"pk": 9000000000000000001}]}',
        b'{"order": " co-Mixed-9", "order_items": [{"pk": 9000000000000000001}]}',
        b'{"order": "cofuzz-0000abcd-x\xff"}',
    ],
)
def test_fixture_generated_and_harmless_bodies_may_be_sent(body: bytes) -> None:
    assert GUARD.judge(body).refusal is None


@pytest.mark.parametrize(
    "body",
    [
        b'{"order": "CO-2"}',
        b'{"order": "cofuzz-0000abcd-a", "order": "CO-2"}',
        b'{"order": "CO-MIXED-9"}',
        b'{"order": "CO-MIXED-9", "order_items": [{"pk": 5}]}',
        b'{"order": "CO-2", ',
        b"order=CO-2",
    ],
)
def test_a_body_naming_another_order_is_refused(body: bytes) -> None:
    assert GUARD.judge(body).refusal is not None


def test_the_client_refuses_before_sending_and_keeps_the_refusal() -> None:
    # Nothing listens on port 9: a request that went out would be an UnreachableError.
    client = Client("http://127.0.0.1:9", GUARD)
    with pytest.raises(RefusedCaptureError, match="'CO-2' is not a fixture order"):
        client.send("POST", body=b'{"order": "CO-2"}', source="planted")
    assert client.exchanges == []
    (entry,) = client.ledger.refusals
    assert (entry.order, entry.source) == ("CO-2", "planted")


@pytest.mark.slow
def test_a_planted_capture_of_a_non_fixture_order_is_refused_and_in_the_ledger(
    reference: Reference, tmp_path: Path
) -> None:
    seeded = json.loads(reference.seed(orders=3).read_text(encoding="utf-8"))
    kept_out = seeded["orders"].pop()  # a real, capturable order the fixtures do not give
    fixtures = tmp_path / "fixtures.json"
    fixtures.write_text(json.dumps(seeded), encoding="utf-8")

    def planted(ctx: ScenarioContext) -> None:
        ctx.capture(kept_out["number"])

    SCENARIOS.append(
        Scenario("planted_capture", ("CO-CAP-01/whole-order",), planted, "test", Needs())
    )
    try:
        settings = resolve({"fixtures": str(fixtures), "only": ("planted_capture",)}, env={})
        report = run(settings, lambda line: None)
    finally:
        SCENARIOS.pop()
    found = [r for r in report.results if r.name == "planted_capture"]
    assert found, f"the check did not run: {report.error or report.verdict}"
    result = found[0]
    assert result.status.value == "ERROR" and "refused to send" in result.reason
    assert report.verdict == Verdict.ERROR
    (refused,) = report.ledger.refusals
    assert (refused.order, refused.source) == (kept_out["number"], "planted_capture")
    untouched = httpx.post(
        reference.base_url + "/api/v1/capture-order/",
        json={"order": kept_out["number"]},
        headers={"Authorization": seeded["token"]},
    )
    assert untouched.status_code == 200
    assert untouched.json()["captured_items"] == [i["pk"] for i in kept_out["items"]]

"""The `capture-order` command: seed prints fixtures; serve --demo prints the same data twice."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from capture_order.cli import main
from tests.harness import ServerProcess


def test_seed_prints_conformance_fixtures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'seed.sqlite3'}"
    assert main(["seed", "--database", url, "--orders", "3", "--items", "2", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert set(first) == {
        "base_url",
        "token",
        "orders",
        "foreign_token",
        "foreign_orders",
        "uncapturable_orders",
    }
    assert first["token"].startswith("Token ") and first["foreign_token"] != first["token"]
    assert len(first["orders"]) == 3 and all(len(o["items"]) == 2 for o in first["orders"])
    assert sorted(o["code"] for o in first["uncapturable_orders"]) == [
        "order_cancelled", "order_cancelled", "order_cancelled", "order_not_capturable",
        "order_refunded",
    ]  # fmt: skip
    # Every order carries its facts; the last one a free item (CO-MON-01/zero-amount-item).
    assert all({"status", "currency", "amount"} <= set(o) for o in first["orders"])
    assert [i["amount"] for i in first["orders"][-1]["items"]][-1] == "0"
    assert all({"status", "cancel_status"} <= set(o) for o in first["uncapturable_orders"])
    assert main(["seed", "--database", url, "--orders", "3", "--items", "2", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert not {o["number"] for o in first["orders"]} & {o["number"] for o in second["orders"]}


@pytest.mark.requirement("CO-CAP-01")
def test_seeded_fixtures_work_against_a_server(
    launch_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'seed.sqlite3'}"
    server = launch_server("--database", url)
    command = [sys.executable, "-m", "capture_order", "seed", "--database", url, "--json"]
    seeded = subprocess.run([*command, "--orders", "1"], capture_output=True, text=True, check=True)
    fixtures = json.loads(seeded.stdout)
    endpoint = server.base_url + "/api/v1/capture-order/"
    ok = httpx.post(
        endpoint,
        json={"order": fixtures["orders"][0]["number"]},
        headers={"Authorization": fixtures["token"]},
    )
    assert ok.status_code == 200
    for entry in fixtures["uncapturable_orders"]:
        refused = httpx.post(
            endpoint, json={"order": entry["number"]}, headers={"Authorization": fixtures["token"]}
        )
        assert refused.json()["code"] == entry["code"]


def test_demo_prints_the_same_token_and_orders_on_restart(
    launch_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    first = launch_server("--database", url, "--demo")
    first.stop()
    second = launch_server("--database", url, "--demo")
    printed = [s.output().split("Try:")[0] for s in (first, second)]
    assert "Swagger UI:" in printed[0] and "/api/v1/ui/" in printed[0]
    token = next(line.split()[2] for line in printed[0].splitlines() if "Authorization:" in line)
    assert printed[0].replace(str(first.port), "PORT") == printed[1].replace(
        str(second.port), "PORT"
    )
    number = next(
        line.split()[0]
        for line in printed[1].splitlines()
        if line.strip().startswith("CO-") and "items" in line
    )
    response = httpx.post(
        second.base_url + "/api/v1/capture-order/",
        json={"order": number},
        headers={"Authorization": f"Token {token}"},
    )
    assert response.status_code == 200


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2

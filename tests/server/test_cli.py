"""The `capture-order` command: seed prints fixtures; serve --demo prints what is capturable now;
a taken port is one line before anything is printed or seeded."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from capture_order.cli import main
from tests.harness import PYTHON, ROOT, ServerProcess, loopback_socket

ENDPOINT = "/api/v1/capture-order/"
# An order's line in the banners: its number, then its items as `pk (amount)`.
ORDER_LINE = re.compile(r"^ +(CO-\S+)  items (\d+ \(\d+\.\d+\)(?:, \d+ \(\d+\.\d+\))*)(.*)$")


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
        "order_cancelled", "order_cancelled", "order_cancelled", "order_cancelled",
        "order_not_capturable",
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


def listed_orders(text: str) -> dict[str, tuple[list[int], str]]:
    """Order number -> (item pks, the rest of its line) of every order line printed."""
    found = {}
    for line in text.splitlines():
        match = ORDER_LINE.match(line)
        if match:
            pks = [int(item.split()[0]) for item in match.group(2).split(", ")]
            found[match.group(1)] = (pks, match.group(3))
    return found


def test_seed_prints_both_channels_items_as_pk_and_amount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'seed.sqlite3'}"
    assert main(["seed", "--database", url, "--orders", "2", "--items", "3"]) == 0
    out = capsys.readouterr().out
    assert "{" not in out and "[" not in out  # no Python reprs
    lines = out.splitlines()
    channel_b = lines.index(next(line for line in lines if line.startswith("channel B token:")))
    own = listed_orders("\n".join(lines[:channel_b]))
    foreign = listed_orders("\n".join(lines[channel_b:]))
    assert len(own) == 2 and len(foreign) == 2
    assert all(len(pks) == 3 for pks, _ in [*own.values(), *foreign.values()])
    assert re.search(r"  items \d+ \(100\.10\), \d+ \(200\.20\), \d+ \(300\.30\)$", out, re.M)


def test_serve_on_a_taken_port_is_one_line_before_anything_is_printed_or_seeded(
    tmp_path: Path,
) -> None:
    database = tmp_path / "demo.sqlite3"
    with loopback_socket() as taken:
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [PYTHON, "-m", "capture_order", "serve", "--port", str(port), "--demo",
             "--database", f"sqlite:///{database}"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"capture-order serve: port {port} on 127.0.0.1 is in use: stop what listens there, "
        "or choose another port (--port N; make serve PORT=N)"
    ]
    assert not database.exists()  # nothing seeded


def test_demo_after_a_restart_lists_only_what_is_still_capturable(
    launch_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    first = launch_server("--database", url, "--demo")
    printed = first.output()
    token = re.search(r"Authorization:  (Token \S+)", printed)
    assert token is not None
    orders = listed_orders(printed.split("Not capturable")[0])
    assert len(orders) == 5 and "Captured already" not in printed
    (whole, _), (partly, (partly_pks, _)) = list(orders.items())[:2]
    headers = {"Authorization": token.group(1)}
    endpoint = first.base_url + ENDPOINT
    assert httpx.post(endpoint, json={"order": whole}, headers=headers).status_code == 200
    one_item = {"order": partly, "order_items": [{"pk": partly_pks[0]}]}
    assert httpx.post(endpoint, json=one_item, headers=headers).status_code == 200
    first.stop()

    second = launch_server("--database", url, "--demo").output()
    now_listed = listed_orders(second.split("Not capturable")[0])
    assert whole not in now_listed and len(now_listed) == 4
    assert now_listed[partly] == (partly_pks[1:], "   (1 of its items captured already)")
    assert (
        "  Captured already: 1 of the 5 demo orders; fresh demo data: "
        "capture-order serve --demo --reset-demo (make serve RESET=1)"
    ) in second.splitlines()
    assert f'"order": "{whole}"' not in second.split("Try:")[1]  # the curl is capturable

    fresh = launch_server("--database", url, "--reset-demo").output()
    assert token.group(1) not in fresh and "Captured already" not in fresh
    assert len(listed_orders(fresh.split("Not capturable")[0])) == 5

"""Who reaches the control API: nobody without --sandbox, loopback (or --sandbox-host) with the
admin token printed at start-up; and its state lasts one process."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from capture_order.server.app import create_app
from capture_order.server.server_settings import ServerSettings
from tests.harness import ServerProcess, serving
from tests.sandbox.conftest import problem

ADMIN_TOKEN = re.compile(r"export CAPTURE_ORDER_SANDBOX_TOKEN=(\S+)")


def outward_address() -> str | None:
    """This machine's address on its first non-loopback interface, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # nothing is sent: this only picks a route
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.mark.requirement("CO-SBX-01")
def test_without_sandbox_the_control_api_is_absent(tmp_path: Path) -> None:
    settings = ServerSettings(database_url=f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    with serving(create_app(settings)) as base_url:
        for method, path in (("GET", "/_sandbox/faults"), ("POST", "/_sandbox/reset")):
            answer = httpx.request(method, base_url + path, headers={"Authorization": "Bearer x"})
            problem(answer, 404, "not_found")


@pytest.mark.slow
@pytest.mark.requirement("CO-SBX-03", "CO-SBX-11")
def test_loopback_only_unless_sandbox_host_and_state_lasts_one_process(
    launch_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    outward = outward_address()
    if outward is None:
        pytest.skip("no non-loopback address to reach the server from")
    database = f"sqlite:///{tmp_path / 'sandbox.sqlite3'}"
    first = launch_server("--sandbox", "--host", "0.0.0.0", "--database", database)
    token = ADMIN_TOKEN.search(first.output())
    assert token is not None, first.output()
    auth = {"Authorization": f"Bearer {token.group(1)}"}
    local = f"http://127.0.0.1:{first.port}/_sandbox"
    assert httpx.post(f"{local}/faults", json={"kind": "hold"}, headers=auth).status_code == 201
    assert httpx.post(f"{local}/clock/advance", json={"seconds": 3600}, headers=auth).is_success
    remote = f"http://{outward}:{first.port}/_sandbox"
    problem(httpx.get(f"{remote}/faults", headers=auth), 403, "client_not_allowed")
    problem(httpx.get(f"{remote}/faults"), 403, "client_not_allowed")  # before the token
    first.stop()

    second = launch_server(
        "--sandbox", "--host", "0.0.0.0", "--sandbox-host", f"{outward}/32", "--database", database
    )
    new_token = ADMIN_TOKEN.search(second.output().split("Sandbox control API")[-1])
    assert new_token is not None and new_token.group(1) != token.group(1)
    old_token = httpx.get(f"http://127.0.0.1:{second.port}/_sandbox/faults", headers=auth)
    problem(old_token, 401, "authentication_failed")
    auth = {"Authorization": f"Bearer {new_token.group(1)}"}
    remote = f"http://{outward}:{second.port}/_sandbox"
    assert httpx.get(f"{remote}/faults", headers=auth).json() == {"faults": []}
    assert abs(httpx.get(f"{remote}/clock", headers=auth).json()["offset_seconds"]) < 1
    events = httpx.get(f"{remote}/events", headers=auth).json()["events"]
    assert [e["type"] for e in events] == ["sandbox.started"]

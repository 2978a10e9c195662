"""`serve --sandbox --workers 2`: one token and one control state, whichever worker answers.

Each request goes over its own kept-alive connection, and /proc tells which worker process holds
the server's end of it, so the test sees both workers at work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from capture_order.server.sandbox.launch import SandboxServer
from tests.sandbox.conftest import problem

MAX_CONNECTIONS = 40


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def holder(server_port: int, client_port: int, pids: list[int]) -> int | None:
    """The process holding the server's end of the connection from `client_port`."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = (int(a.rsplit(":", 1)[1], 16) for a in fields[1:3])
            if (local, remote) == (server_port, client_port):
                inode = fields[9]
    for pid in pids:
        try:
            links = [str(fd.readlink()) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return pid
    return None


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[SandboxServer]:
    """`serve --sandbox --workers 2` on a SQLite file."""
    with SandboxServer(tmp_path, args=("--workers", "2")) as server:
        yield server


@pytest.mark.slow
@pytest.mark.requirement("CO-SBX-05", "CO-SBX-07", "CO-SBX-09")
def test_workers_share_the_token_faults_clock_and_events(two_workers: SandboxServer) -> None:
    server = two_workers
    assert server.process is not None
    auth = {"Authorization": f"Bearer {server.admin_token}"}
    pids = children(server.process.pid)
    by_worker: dict[int, httpx.Client] = {}
    opened: list[httpx.Client] = []
    while len(by_worker) < 2 and len(opened) < MAX_CONNECTIONS:
        client = httpx.Client(base_url=server.base_url, headers=auth, timeout=30)
        opened.append(client)
        answer = client.get("/_sandbox/clock")  # the token is known to every worker
        assert answer.status_code == 200
        port = answer.extensions["network_stream"].get_extra_info("client_addr")[1]
        worker = holder(server.port, port, pids)
        if worker is not None:
            by_worker.setdefault(worker, client)
    try:
        assert len(by_worker) == 2, f"one worker served {len(opened)} connections"
        one, other = by_worker.values()
        with server.client() as sandbox:
            token = sandbox.token
            orders = [sandbox.create_order() for _ in range(4)]
        capture = "/api/v1/capture-order/"
        headers = {"Authorization": token}
        assert one.post("/_sandbox/faults", json={"kind": "internal_error", "count": 3}).is_success
        assert other.put("/_sandbox/clock", json={"now": "2033-03-03T00:00:00Z"}).is_success
        answers = [
            (one, other)[i % 2].post(capture, json={"order": o.number}, headers=headers)
            for i, o in enumerate(orders)
        ]
        for refused in answers[:3]:
            problem(refused, 500, "internal_error")
        assert answers[3].status_code == 200
        assert answers[3].json()["capture"]["captured_at"].startswith("2033-03-03T")
        assert one.get("/_sandbox/faults").json() == {"faults": []}
        events = other.get("/_sandbox/events", params={"limit": 5}).json()["events"]
        assert [e["type"] for e in events] == ["capture.captured"] + ["fault.injected"] * 3 + [
            "clock.set"
        ]
    finally:
        for client in opened:
            client.close()

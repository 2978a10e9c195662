"""Many simultaneous captures of one order, over several processes: each item once, no 5xx."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import Deployment, deploy, teardown

PARALLEL = 20


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_workers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """A server with two worker processes on SQLite, or on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    deployment = deploy(url, tmp_path / "server.log", "--workers", "2")
    yield deployment
    teardown(deployment)


def at_once(deployment: Deployment, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """Send every body at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(bodies))

    def one(body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            headers = {"Authorization": deployment.a.authorization}
            barrier.wait()
            return client.post(deployment.url, json=body, headers=headers)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(one, bodies))


def assert_consistent(deployment: Deployment, number: str, responses: list[httpx.Response]) -> None:
    """No 5xx; each item captured by one response only; money matches the items."""
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    captured = Counter(
        item["pk"]
        for r in responses
        if r.status_code == 200
        for item in r.json()["capture"]["items"]
    )
    assert all(count == 1 for count in captured.values()), captured
    order = deployment.store.order(deployment.a.id, number)
    assert order is not None
    assert set(order.captured_pks) == set(captured)
    item_total = sum((i.amount for i in order.items if i.is_captured), Decimal(0))
    expected = order.amount if order.is_fully_captured else item_total
    assert order.captured_amount == expected <= order.amount
    for r in responses:
        if r.status_code == 409:
            assert r.json()["code"] in ("order_already_captured", "order_item_already_captured")


@pytest.mark.slow
@pytest.mark.requirement("CO-CONC-01", "CO-MON-01", "CO-MON-02", "CO-ERR-03")
def test_parallel_full_captures_capture_once(two_workers: Deployment) -> None:
    order = two_workers.order(4)
    responses = at_once(two_workers, [{"order": order.number}] * PARALLEL)
    assert [r.status_code for r in responses].count(200) == 1
    assert_consistent(two_workers, order.number, responses)


@pytest.mark.slow
@pytest.mark.requirement("CO-CONC-01", "CO-MON-01", "CO-MON-02", "CO-CAP-02")
def test_overlapping_partial_captures_capture_each_item_once(two_workers: Deployment) -> None:
    order = two_workers.order(6)
    pks = order.items
    bodies = [
        {"order": order.number, "order_items": [{"pk": pks[i % 6]}, {"pk": pks[(i + 1) % 6]}]}
        for i in range(PARALLEL)
    ]
    responses = at_once(two_workers, bodies)
    assert any(r.status_code == 200 for r in responses)
    assert_consistent(two_workers, order.number, responses)

"""Two instances of two workers each on one PostgreSQL: the rules hold across all of them."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest

from capture_order.server.seeding import add_orders, create_channel, new_order
from capture_order.server.store import Store
from tests.harness import ServerProcess
from tests.server.conftest import now

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
PARALLEL = 50
ENDPOINT = "/api/v1/capture-order/"


@dataclass
class Cluster:
    """Two `capture-order serve --workers 2` instances on one database, and a token."""

    instances: list[ServerProcess]
    store: Store
    channel: int
    authorization: str

    def url(self, index: int) -> str:
        """The endpoint of instance index % 2."""
        return self.instances[index % len(self.instances)].base_url + ENDPOINT


@pytest.fixture
def cluster(launch_server: Callable[..., ServerProcess], postgres_url: str) -> Iterator[Cluster]:
    store = Store.open(postgres_url)
    channel, key = create_channel(store, f"scale-{secrets.token_hex(4)}", now())
    instances = [launch_server("--database", postgres_url, "--workers", "2") for _ in range(2)]
    yield Cluster(instances, store, channel, f"Token {key}")
    store.close()


def spread(
    cluster: Cluster, body: dict[str, object], headers: dict[str, str]
) -> list[httpx.Response]:
    """PARALLEL identical requests at one moment, alternating between the two instances."""
    barrier = threading.Barrier(PARALLEL)

    def one(index: int) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            return client.post(
                cluster.url(index),
                json=body,
                headers={"Authorization": cluster.authorization, **headers},
            )

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


def fresh(cluster: Cluster, items: int = 3) -> str:
    number = f"S-{secrets.token_hex(6)}"
    add_orders(cluster.store, cluster.channel, [new_order(number, items, now())])
    return number


@pytest.mark.requirement("CO-CONC-01", "CO-MON-02", "CO-ERR-03")
def test_parallel_captures_over_two_instances_capture_once(cluster: Cluster) -> None:
    number = fresh(cluster)
    responses = spread(cluster, {"order": number}, {})
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (PARALLEL - 1), [
        r.text for r in responses if r.status_code >= 500
    ]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "order_already_captured"
    }
    order = cluster.store.order(cluster.channel, number)
    assert order is not None and order.is_fully_captured and order.captured_amount == order.amount


@pytest.mark.requirement("CO-IDEM-01", "CO-IDEM-03", "CO-CONC-01")
def test_one_key_over_two_instances_executes_once(cluster: Cluster) -> None:
    number = fresh(cluster)
    responses = spread(cluster, {"order": number}, {"Idempotency-Key": secrets.token_hex(8)})
    executed = [
        r for r in responses if r.status_code == 200 and "idempotent-replayed" not in r.headers
    ]
    replays = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
    waiting = [
        r
        for r in responses
        if r.status_code == 409 and r.json()["code"] == "idempotency_request_in_progress"
    ]
    assert len(executed) == 1
    assert len(executed) + len(replays) + len(waiting) == PARALLEL, [r.text for r in responses]
    assert all(r.json() == executed[0].json() for r in replays)
    assert all(r.headers["retry-after"].isdigit() for r in waiting)
    order = cluster.store.order(cluster.channel, number)
    assert order is not None and order.is_fully_captured


@pytest.mark.requirement("CO-CONC-02", "CO-MON-01", "CO-MON-02")
def test_every_200_survives_killing_one_instance(cluster: Cluster) -> None:
    run = secrets.token_hex(3)
    orders = add_orders(
        cluster.store,
        cluster.channel,
        [new_order(f"K-{run}-{i:04d}", 2, now()) for i in range(600)],
    )
    acknowledged: list[str] = []
    stop = threading.Event()

    def load(offset: int) -> None:
        with httpx.Client(timeout=5) as client:
            for order in orders[offset::6]:
                if stop.is_set():
                    return
                try:
                    response = client.post(
                        cluster.url(offset),
                        json={"order": order.number},
                        headers={"Authorization": cluster.authorization},
                    )
                except httpx.TransportError:
                    continue  # the killed instance: its in-flight captures may or may not count
                if response.status_code == 200:
                    acknowledged.append(order.number)

    threads = [threading.Thread(target=load, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    cluster.instances[0].kill()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) > 20, "the load did not get going before the kill"
    for number in acknowledged:
        state = cluster.store.order(cluster.channel, number)
        assert state is not None and state.is_fully_captured, number
        assert state.captured_amount == state.amount
    for order in orders:
        state = cluster.store.order(cluster.channel, order.number)
        assert state is not None
        captured = sum((i.amount for i in state.items if i.is_captured), Decimal(0))
        assert state.captured_amount == (state.amount if state.is_fully_captured else captured)

"""A 200 is durable: captures under load, SIGKILL, restart on the same database (both kinds)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from capture_order.server.seeding import add_orders, create_channel, new_order
from capture_order.server.store import Store
from tests.harness import ServerProcess
from tests.server.conftest import now


@pytest.mark.slow
@pytest.mark.requirement("CO-CONC-02", "CO-MON-01", "CO-MON-02")
def test_every_200_survives_a_kill(
    launch_server: Callable[..., ServerProcess], database_url: str
) -> None:
    url = database_url
    store = Store.open(url)
    channel, key = create_channel(store, f"crash-{secrets.token_hex(4)}", now())
    run = secrets.token_hex(3)
    orders = add_orders(
        store, channel, [new_order(f"K-{run}-{i:04d}", 2, now()) for i in range(400)]
    )
    server = launch_server("--database", url)
    acknowledged: list[str] = []
    stop = threading.Event()

    def load(offset: int) -> None:
        with httpx.Client(timeout=5) as client:
            for order in orders[offset::4]:
                if stop.is_set():
                    return
                body = {"order": order.number, "order_items": [{"pk": order.items[0]}]}
                try:
                    response = client.post(
                        server.base_url + "/api/v1/capture-order/",
                        json=body,
                        headers={"Authorization": f"Token {key}"},
                    )
                except httpx.TransportError:
                    return
                if response.status_code == 200:
                    acknowledged.append(order.number)

    threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) > 10, "the load did not get going before the kill"

    restarted = launch_server("--database", url)
    with httpx.Client(timeout=10) as client:
        for number in acknowledged:
            order = next(o for o in orders if o.number == number)
            again = client.post(
                restarted.base_url + "/api/v1/capture-order/",
                json={"order": number, "order_items": [{"pk": order.items[0]}]},
                headers={"Authorization": f"Token {key}"},
            )
            assert again.status_code == 409, again.text
    for order in orders:
        state = store.order(channel, order.number)
        assert state is not None
        captured = sum((i.amount for i in state.items if i.is_captured), Decimal(0))
        assert state.captured_amount == (state.amount if state.is_fully_captured else captured)
    store.close()

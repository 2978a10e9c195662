"""A request that breaks several rules is answered for the first one (CO-ERR-05)."""

from __future__ import annotations

import pytest

from tests.server.conftest import Deployment
from tests.server.test_http import problem

TOO_BIG = b'{"order": "' + b"a" * 66_000 + b'"}'


@pytest.mark.requirement("CO-ERR-05")
def test_other_method_is_405_before_the_token_is_checked(live: Deployment) -> None:
    problem(live.client.get(live.url), 405, "method_not_allowed")


@pytest.mark.requirement("CO-ERR-05")
def test_oversized_body_is_413_before_the_token_is_checked(live: Deployment) -> None:
    problem(live.post(content=TOO_BIG, token=None), 413, "request_too_large")


@pytest.mark.requirement("CO-ERR-05")
def test_missing_token_is_401_before_media_type_and_json(live: Deployment) -> None:
    plain = live.post(content=b"x", token=None, headers={"Content-Type": "text/plain"})
    problem(plain, 401, "not_authenticated")
    problem(live.post(content=b"{x", token=None), 401, "not_authenticated")


@pytest.mark.requirement("CO-ERR-05")
def test_media_type_is_415_before_malformed_json(live: Deployment) -> None:
    sent = live.post(content=b"{x", headers={"Content-Type": "text/plain"})
    problem(sent, 415, "unsupported_media_type")


@pytest.mark.requirement("CO-ERR-05")
def test_bad_idempotency_key_is_400_before_the_order_is_looked_up(live: Deployment) -> None:
    sent = live.post({"order": "no-such-order"}, headers={"Idempotency-Key": "k" * 256})
    problem(sent, 400, "invalid_request")


@pytest.mark.requirement("CO-ERR-05")
def test_bad_idempotency_key_is_named_before_malformed_json(live: Deployment) -> None:
    body = problem(
        live.post(content=b"{x", headers={"Idempotency-Key": "k" * 256}), 400, "invalid_request"
    )
    assert set(body["errors"]) == {"Idempotency-Key"}


@pytest.mark.requirement("CO-ERR-05")
def test_duplicate_items_are_422_before_the_order_is_looked_up(live: Deployment) -> None:
    sent = live.post({"order": "no-such-order", "order_items": [{"pk": 1}, {"pk": 1}]})
    problem(sent, 422, "duplicate_order_item")


@pytest.mark.requirement("CO-ERR-05")
def test_order_state_is_409_before_unknown_items(live: Deployment) -> None:
    cancelled = live.order(status="100")
    sent = live.post({"order": cancelled.number, "order_items": [{"pk": 2**40}]})
    problem(sent, 409, "order_cancelled")


@pytest.mark.requirement("CO-ERR-05")
def test_fully_captured_order_is_409_before_unknown_or_captured_items(live: Deployment) -> None:
    order = live.order()
    assert live.post({"order": order.number}).status_code == 200
    for items in ([{"pk": 2**40}], [{"pk": order.items[0]}]):
        sent = live.post({"order": order.number, "order_items": items})
        problem(sent, 409, "order_already_captured")


@pytest.mark.requirement("CO-ERR-05")
def test_unknown_item_is_422_before_an_already_captured_item(live: Deployment) -> None:
    order = live.order()
    first = order.items[0]
    assert live.post({"order": order.number, "order_items": [{"pk": first}]}).status_code == 200
    sent = live.post({"order": order.number, "order_items": [{"pk": first}, {"pk": 2**40}]})
    problem(sent, 422, "order_item_not_found")

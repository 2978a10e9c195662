"""The server reads a media type as RFC 9110 and a path as RFC 3986 do (CO-REQ-01, CO-REQ-10)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.server.conftest import Deployment
from tests.server.test_http import problem


@pytest.mark.parametrize(
    "content_type",
    [
        "Application/JSON",
        "APPLICATION/JSON; CHARSET=UTF-8",
        "application/json ; charset=utf-8",
        "application/json\t;charset=utf-8",
        'application/json;charset="UTF-8"',
        "application/json; unknown=1",
    ],
)
def test_json_spelled_otherwise_captures(live: Deployment, content_type: str) -> None:
    order = live.order(items=1)
    response = live.post({"order": order.number}, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    assert response.json()["number"] == order.number


@pytest.mark.parametrize(
    "content_type", ["application/merge-patch+json", "text/json", "application/json-seq"]
)
def test_look_alike_media_types_are_415(live: Deployment, content_type: str) -> None:
    order = live.order(items=1)
    response = live.post({"order": order.number}, headers={"Content-Type": content_type})
    problem(response, 415, "unsupported_media_type")
    assert live.post({"order": order.number}).status_code == 200  # nothing was captured


def _post_to(live: Deployment, path: str, number: str) -> httpx.Response:
    request = live.client.build_request(
        "POST",
        live.server.base_url + "/api/v1/capture-order/",
        json={"order": number},
        headers={"Authorization": live.a.authorization},
    )
    # httpx would resolve dot segments; the raw path goes as written.
    request.url._uri_reference = request.url._uri_reference._replace(path=path)
    return live.client.send(request)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/capture-order%2F",
        "/api/v1%2Fcapture-order/",
        "/api/v1//capture-order/",
        "/api/v1/capture-order//",
        "/API/v1/capture-order/",
        "/api/v1/./capture-order/",
    ],
)
def test_other_spellings_of_the_path_are_not_found_and_capture_nothing(
    live: Deployment, path: str
) -> None:
    order = live.order(items=1)
    problem(_post_to(live, path, order.number), 404, "not_found")
    assert live.post({"order": order.number}).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/capture%2Dorder/", "/%61pi/v1/capture-order/"])
def test_encoded_unreserved_characters_are_the_path(live: Deployment, path: str) -> None:
    order = live.order(items=1)
    response = _post_to(live, path, order.number)
    assert response.status_code == 200, response.text
    assert response.json()["number"] == order.number


@pytest.mark.parametrize(
    "spelled",
    [
        lambda key: key.swapcase(),
        lambda key: key[:-1],
        lambda key: key + "0",
        lambda key: key + "\xa0",
        lambda key: "\xa0" + key,
        lambda key: key[:4] + " " + key[4:],
    ],
    ids=["case-swapped", "dropped", "added", "nbsp-after", "nbsp-before", "inner-space"],
)
def test_keys_one_edit_away_are_refused_and_capture_nothing(live: Deployment, spelled: Any) -> None:
    order = live.order(items=1)
    value = f"Token {spelled(live.a.key)}".encode("latin-1")
    response = live.client.post(
        live.url,
        json={"order": order.number},
        headers=[(b"Authorization", value)],
    )
    problem(response, 401, "authentication_failed")
    assert live.post({"order": order.number}).status_code == 200

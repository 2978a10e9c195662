"""Small traffic files written by hand: a minimal HAR, NDJSON lines, the spec's own examples."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from capture_order.contract.spec import load_spec, pointer_get

URL = "http://127.0.0.1:9/api/v1/capture-order/"
TOKEN = "Token 0123456789abcdef0123456789abcdef"


def example(name: str) -> dict[str, Any]:
    """A response example of the spec."""
    value: dict[str, Any] = pointer_get(load_spec(), f"#/components/examples/{name}")["value"]
    return value


def har_entry(
    request: dict[str, Any], status: int, body: dict[str, Any], *, base64_body: bool = False
) -> dict[str, Any]:
    """One HAR 1.2 entry of a capture, as a browser or gateway writes it."""
    text = json.dumps(body)
    media = "application/json" if status == 200 else "application/problem+json"
    content: dict[str, Any] = {"size": len(text), "mimeType": media, "text": text}
    if base64_body:
        content.update(text=base64.b64encode(text.encode()).decode(), encoding="base64")
    return {
        "startedDateTime": "2024-11-21T09:30:00.000Z",
        "time": 12.5,
        "request": {
            "method": "POST",
            "url": URL,
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": ":authority", "value": "127.0.0.1:9"},
                {"name": "Authorization", "value": TOKEN},
                {"name": "Content-Type", "value": "application/json"},
            ],
            "postData": {"mimeType": "application/json", "text": json.dumps(request)},
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Content-Type", "value": media}],
            "content": content,
        },
    }


def minimal_har(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A HAR document around the entries."""
    return {
        "log": {"version": "1.2", "creator": {"name": "hand", "version": "1"}, "entries": entries}
    }


def write_json(path: Path, document: Any) -> Path:
    """Write a JSON document (indented, as HAR files usually are)."""
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def ndjson_line(status: int, body: dict[str, Any], request: dict[str, Any]) -> str:
    """One exchange in the project's NDJSON format."""
    media = "application/json" if status == 200 else "application/problem+json"
    return (
        json.dumps(
            {
                "time": "2024-11-21T09:30:00.000000Z",
                "elapsed_ms": 3.0,
                "method": "POST",
                "url": URL,
                "request_headers": [["Authorization", TOKEN], ["Content-Type", "application/json"]],
                "request_body": json.dumps(request),
                "status": status,
                "response_headers": [["content-type", media]],
                "response_body": json.dumps(body),
            }
        )
        + "\n"
    )

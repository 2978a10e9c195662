"""curl reproductions: replayable, with credentials as shell variables, never in clear."""

from __future__ import annotations

import subprocess

from capture_order.conformance.http import Exchange
from capture_order.conformance.reproduce import curl_command, redactor_for

TOKEN = "Token 3f1c9a2b8d7e6f5a4b3c"


def _exchange(body: bytes, authorization: str = TOKEN) -> Exchange:
    return Exchange(
        method="POST",
        url="http://127.0.0.1:8000/api/v1/capture-order/",
        request_headers=(
            ("Host", "127.0.0.1"),
            ("Authorization", authorization),
            ("Content-Type", "application/json"),
        ),
        request_body=body,
        status=500,
        response_headers=(),
        response_body=b"",
        elapsed_ms=1.0,
        source="test",
    )


def test_token_becomes_an_environment_variable() -> None:
    curl = curl_command(_exchange(b'{"order": "CO-1"}'), redactor_for(TOKEN, None))
    assert '"Authorization: $CAPTURE_ORDER_TOKEN"' in curl
    assert "3f1c9a2b8d7e6f5a4b3c" not in curl
    assert '--data-binary \'{"order": "CO-1"}\'' in curl
    assert "Host:" not in curl


def test_token_inside_a_body_is_redacted() -> None:
    curl = curl_command(_exchange(b'{"order": "3f1c9a2b8d7e6f5a4b3c"}'), redactor_for(TOKEN, None))
    assert "3f1c9a2b8d7e6f5a4b3c" not in curl
    assert "<redacted>" in curl


def test_non_utf8_body_is_reproduced_byte_for_byte() -> None:
    body = b'{"order": "\xff\xfe\'\\"}'
    curl = curl_command(_exchange(body, "Token other-key-1"), redactor_for(TOKEN, None))
    assert "printf '%b'" in curl
    expression = curl.split("@<(", 1)[1].rstrip(")")
    printed = subprocess.run(["bash", "-c", expression], capture_output=True, check=True).stdout
    assert printed == body


def test_a_body_nested_deeper_than_the_parser_goes_is_shown_cut_not_a_crash() -> None:
    deep = b'{"order": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    curl = curl_command(_exchange(deep), redactor_for(TOKEN, None))
    assert "--data-binary" in curl
    assert "[" * 100 in curl

"""Minimal reproductions: a curl command per exchange, with credentials redacted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from capture_order.conformance.http import Exchange
from capture_order.conformance.near_keys import near_misses

# Headers curl (or any client) adds by itself; leaving them out keeps reproductions short.
IMPLICIT_HEADERS = {
    "host",
    "accept",
    "accept-encoding",
    "connection",
    "user-agent",
    "content-length",
}
MAX_INLINE_BODY = 2000


@dataclass(frozen=True)
class Redactor:
    """Replaces credential values: by an environment variable in commands, by a marker elsewhere."""

    variables: Mapping[str, str]  # secret value -> shell variable that holds it

    def text(self, value: str) -> str:
        """The text with every secret replaced by `<redacted>`."""
        for secret in sorted(self.variables, key=len, reverse=True):
            value = value.replace(secret, "<redacted>")
        return value

    def header_value(self, value: str) -> str | None:
        """The shell variable standing for a header value that is exactly a secret."""
        return self.variables.get(value)

    def within(self, value: str) -> str | None:
        """A header value holding a secret (`Bearer <key>`), for double quotes, or None."""
        found = [s for s in self.variables if s in value]
        if not found:
            return None
        text = "".join("\\" + c if c in '"\\$`' else c for c in value)
        for secret in sorted(found, key=len, reverse=True):
            escaped = "".join("\\" + c if c in '"\\$`' else c for c in secret)
            text = text.replace(escaped, self.variables[secret])
        return text.replace("\t", "$(printf '\\t')")


def redactor_for(token: str | None, foreign_token: str | None) -> Redactor:
    """The redactor for the configured tokens (full `Token <key>` values and their bare keys)."""
    variables: dict[str, str] = {}
    for value, name in (
        (token, "CAPTURE_ORDER_TOKEN"),
        (foreign_token, "CAPTURE_ORDER_FOREIGN_TOKEN"),
    ):
        if value:
            variables[value] = f"${name}"
            key = value.split(" ", 1)[-1]
            if len(key) >= 6:
                variables.setdefault(key, f"${{{name}#Token }}")
                # A near miss gives the key away but for one character: no command rebuilds it.
                for near in near_misses(key)[1]:
                    variables.setdefault(near, f"<{name}, one edit away>")
    return Redactor(variables)


def quote(value: str) -> str:
    """Single-quote a string for POSIX shells."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


def _printf_escaped(body: bytes) -> str:
    out = []
    for byte in body:
        char = chr(byte)
        if 0x20 <= byte < 0x7F and char not in "'\\":
            out.append(char)
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def curl_command(exchange: Exchange, redactor: Redactor) -> str:
    """A curl command that sends the same request again (credentials as shell variables)."""
    parts = ["curl -sS -i", "-X", exchange.method, quote(exchange.url)]
    for name, value in exchange.request_headers:
        if name.lower() in IMPLICIT_HEADERS:
            continue
        variable = redactor.header_value(value)
        if variable is not None:
            parts += ["-H", f'"{name}: {variable}"']
        elif redactor.within(value) is not None:
            parts += ["-H", f'"{name}: {redactor.within(value)}"']
        else:
            parts += ["-H", quote(f"{name}: {redactor.text(value)}")]
    body = exchange.request_body
    if exchange.body_shell is not None:
        parts += ["--data-binary", f"@<({exchange.body_shell})"]
    elif body:
        text = _printable(body)
        if text is not None and len(text) <= MAX_INLINE_BODY:
            parts += ["--data-binary", quote(redactor.text(text))]
        elif len(body) <= MAX_INLINE_BODY:
            parts += ["--data-binary", f"@<(printf '%b' '{_printf_escaped(body)}')"]
        else:
            parts += ["--data-binary", f"@<(printf '%s' {quote(_summary(body))})"]
    return " ".join(parts)


def _printable(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 0x20 and c not in "\t\n" for c in text):
        return None
    return text


def _summary(body: bytes) -> str:
    # Too large to inline; a JSON body is re-dumped (same data), anything else is cut.
    try:
        return json.dumps(json.loads(body))
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        return body[:MAX_INLINE_BODY].decode("utf-8", errors="replace")

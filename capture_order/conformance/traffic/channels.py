"""Channels from credentials: an identifier derived from a token's hash, never its value.

Everything written from traffic (recordings, reports) carries `<redacted:ch-…>` where the
credential was, the same marker in the `Authorization` header and wherever a response echoed
the key, so that a recording still shows which channel sent what and that a token leaked.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field

from capture_order.conformance.reproduce import Redactor

MARKER = re.compile(r"<redacted:(ch-[0-9a-f]{12})>")
# Keys shorter than this are not searched for in bodies (too likely to match by chance).
MIN_SECRET = 6


CREDENTIAL_PARTS = re.compile(r"^(\S+)([ \t]+)(.*)$", re.DOTALL)


def split_credential(value: str) -> tuple[str | None, str]:
    """(scheme, key) of an Authorization value; (None, value) when it has no scheme.

    The scheme ends at the first spaces or tabs: `Token<TAB>key` names the key it carries
    (the contract refuses that form, and the judge needs to know whose key it was).
    """
    parts = CREDENTIAL_PARTS.match(value.strip())
    return (parts.group(1), parts.group(3).strip()) if parts else (None, value.strip())


@functools.lru_cache(maxsize=4096)
def channel_of(value: str | None) -> str | None:
    """The channel identifier of an Authorization value (None without a credential).

    Kept for the values seen last: every exchange of a channel carries the same one.
    """
    if value is None or not value.strip():
        return None
    _, key = split_credential(value)
    marked = MARKER.fullmatch(key)
    if marked is not None:
        return marked.group(1)
    return "ch-" + hashlib.sha256(key.encode("latin-1", "replace")).hexdigest()[:12]


def marker(channel: str) -> str:
    """What stands for a credential in everything written."""
    return f"<redacted:{channel}>"


@dataclass
class TokenBook:
    """The credentials seen so far: markers for recordings, a Redactor for reports."""

    keys: dict[str, str] = field(default_factory=dict)  # key -> its marker
    variables: dict[str, str] = field(default_factory=dict)  # Redactor's secret -> variable

    def __post_init__(self) -> None:
        # The Redactor holds this very dict: tokens seen later are redacted too.
        self.redactor = Redactor(self.variables)
        # Every exchange asks: the values already learnt, and the secrets until a key is new.
        self._learnt: set[str] = set()
        self._secrets: tuple[str, ...] | None = None

    def learn(self, authorization: str | None) -> str | None:
        """Note the credential of a request; its channel."""
        channel = channel_of(authorization)
        if channel is None or authorization is None or authorization in self._learnt:
            return channel
        if len(self._learnt) < 65_536:  # bounded: a stream of one-off tokens is learnt each time
            self._learnt.add(authorization)
        _, key = split_credential(authorization)
        if key and not MARKER.fullmatch(key) and key not in self.keys:
            self.keys[key] = marker(channel)
            self._secrets = None
            name = "$CAPTURE_ORDER_TOKEN_" + channel[3:].upper()
            self.variables[authorization.strip()] = name
            if len(key) >= MIN_SECRET:
                self.variables.setdefault(key, f"${{{name[1:]}#Token }}")
        return channel

    def secrets(self) -> tuple[str, ...]:
        """The keys long enough to look for in responses (at most 64: cost per exchange)."""
        if self._secrets is None:
            self._secrets = tuple(k for k in self.keys if len(k) >= MIN_SECRET)[:64]
        return self._secrets

    def redact_header(self, name: str, value: str) -> str:
        """A header value as written: the Authorization credential replaced by its marker."""
        if name.lower() == "authorization" and value.strip():
            parts = CREDENTIAL_PARTS.match(value)
            key = parts.group(3) if parts else value.strip()
            if MARKER.fullmatch(key.strip()) or (parts is None and key.lower() == "token"):
                return value  # already a marker, or a scheme with no key
            mark = marker(channel_of(value) or "")
            # The scheme and the separator as written (their case and spaces are judged).
            return f"{parts.group(1)}{parts.group(2)}{mark}" if parts else mark
        return self.redact_text(value)

    def redact_text(self, text: str) -> str:
        """Text with every known key replaced by its marker."""
        for key in sorted(self.keys, key=len, reverse=True):
            if len(key) >= MIN_SECRET and key in text:
                text = text.replace(key, self.keys[key])
        return text

    def redact_bytes(self, body: bytes) -> bytes:
        """A body with every known key replaced by its marker (bytes: any encoding)."""
        for key in sorted(self.keys, key=len, reverse=True):
            raw = key.encode("latin-1", "replace")
            if len(key) >= MIN_SECRET and raw in body:
                body = body.replace(raw, self.keys[key].encode())
        return body

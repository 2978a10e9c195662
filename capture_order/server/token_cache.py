"""API keys: new ones, their stored form, and the lookup of a key's channel."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from capture_order.server.store import Store


def new_token_key() -> str:
    """A fresh random API key."""
    return secrets.token_hex(20)


def hash_token(key: str) -> str:
    """The stored form of an API key: its sha256, hex."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()


@dataclass
class Tokens:
    """Token hash -> channel, from the store; found tokens are kept (tokens are never revoked)."""

    store: Store
    known: dict[str, int] = field(default_factory=dict)

    def channel_for(self, key: str) -> int | None:
        """The channel of an API key, or None when no channel has it."""
        digest = hash_token(key)
        channel = self.known.get(digest)
        if channel is None:
            # A miss asks the database: a token seeded while the server runs is found.
            channel = self.store.channel_for_token(digest)
            if channel is not None:
                self.known[digest] = channel
        return channel

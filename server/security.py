"""The token check of the `Token` security scheme, attached when the server loads the spec."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import ApiKeySecurityHandler

from server.problems import ApiProblem
from server.services import services_of

# RFC 9110 credentials: the scheme case-insensitive, then 1*SP (spaces, not tabs), then
# the key (CO-AUTH-03).
_TOKEN_HEADER = re.compile(r"^token +([\x21-\x7E]{1,256})$", re.IGNORECASE)


def hash_token(key: str) -> str:
    """The stored form of an API key: its sha256, hex."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def new_token_key() -> str:
    """A fresh random API key."""
    return secrets.token_hex(20)


def token_info(api_key: str, request: ConnexionRequest) -> dict[str, Any]:
    """Resolve `Authorization` to the token's channel, or raise the spec's 401 problem."""
    if not api_key.strip():
        raise ApiProblem("not_authenticated")
    if len(request.headers.getlist("authorization")) > 1:
        # Components on the way disagree on which of two field lines counts (CO-AUTH-01).
        raise ApiProblem("authentication_failed")
    match = _TOKEN_HEADER.fullmatch(api_key.strip())
    if match is None:
        raise ApiProblem("authentication_failed")
    channel_id = services_of(request.scope).store.channel_for_token(hash_token(match.group(1)))
    if channel_id is None:
        raise ApiProblem("authentication_failed")
    return {"sub": str(channel_id), "channel_id": channel_id}


class TokenSecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
    """Connexion's apiKey handler with `token_info` as the check, whatever the spec names."""

    def get_fn(self, security_scheme: dict[str, Any], required_scopes: Any) -> Any:
        scheme = {**security_scheme, self.security_definition_key: f"{__name__}.token_info"}
        return super().get_fn(scheme, required_scopes)

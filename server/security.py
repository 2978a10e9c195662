"""The token check of the `Token` security scheme, attached when the server loads the spec."""

from __future__ import annotations

import re
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import ApiKeySecurityHandler

from server.problems import ApiProblem
from server.services import services_of

# `Token <key>`; the scheme name is case-insensitive as in HTTP (and DRF).
_TOKEN_HEADER = re.compile(r"^[Tt][Oo][Kk][Ee][Nn] ([\x21-\x7E]{1,256})$")


def token_info(api_key: str, request: ConnexionRequest) -> dict[str, Any]:
    """Resolve `Authorization` to the token's channel, or raise the spec's 401 problem."""
    if not api_key.strip():
        raise ApiProblem("not_authenticated")
    match = _TOKEN_HEADER.fullmatch(api_key.strip())
    if match is None:
        raise ApiProblem("authentication_failed")
    channel_id = services_of(request.scope).tokens.channel_for(match.group(1))
    if channel_id is None:
        raise ApiProblem("authentication_failed")
    return {"sub": str(channel_id), "channel_id": channel_id}


class TokenSecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
    """Connexion's apiKey handler with `token_info` as the check, whatever the spec names."""

    def get_fn(self, security_scheme: dict[str, Any], required_scopes: Any) -> Any:
        scheme = {**security_scheme, self.security_definition_key: f"{__name__}.token_info"}
        return super().get_fn(scheme, required_scopes)

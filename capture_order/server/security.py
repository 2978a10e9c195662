"""The token check of the `Token` security scheme, attached when the server loads the spec."""

from __future__ import annotations

import re
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import NO_VALUE, ApiKeySecurityHandler

from capture_order.server.problems import ApiProblem
from capture_order.server.services import services_of

# RFC 9110 credentials: the scheme case-insensitive, then 1*SP (spaces, not tabs), then
# the key (CO-AUTH-03).
_TOKEN_HEADER = re.compile(r"^token +([\x21-\x7E]{1,256})$", re.IGNORECASE)


def token_info(api_key: str, request: ConnexionRequest) -> dict[str, Any]:
    """Resolve `Authorization` to the token's channel, or raise the spec's 401 problem."""
    if not api_key.strip(" \t"):
        raise ApiProblem("not_authenticated")
    if len(request.headers.getlist("authorization")) > 1:
        # Components on the way disagree on which of two field lines counts (CO-AUTH-01).
        raise ApiProblem("authentication_failed")
    # Only OWS (space, tab) surrounds a field value; str.strip() would drop a no-break space
    # around the key and accept a key that is not the token's (CO-AUTH-01/near-miss-keys).
    match = _TOKEN_HEADER.fullmatch(api_key.strip(" \t"))
    if match is None:
        raise ApiProblem("authentication_failed")
    channel_id = services_of(request.scope).tokens.channel_for(match.group(1))
    if channel_id is None:
        raise ApiProblem("authentication_failed")
    return {"sub": str(channel_id), "channel_id": channel_id}


class TokenSecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
    """Connexion's apiKey handler with `token_info` as the check, whatever the spec names.

    Connexion's own wrapper inspects the check's signature twice per request (a sixth of the
    server's time per capture); this one calls it directly, with the same contract: no header is
    NO_VALUE (Connexion answers 401), otherwise the token's info or our 401 problem.
    """

    def get_fn(self, security_scheme: dict[str, Any], required_scopes: Any) -> Any:
        if security_scheme.get("in") != "header":
            raise ValueError("the Token scheme is an apiKey in a header")
        name = security_scheme["name"]

        def verify(request: ConnexionRequest) -> Any:
            value = request.headers.get(name)
            return NO_VALUE if value is None else token_info(value, request)

        return verify

"""The faults themselves: realistic single mistakes of an implementation."""

from __future__ import annotations

from tests.faults.registry import FaultContext, Message, fault


def _server_error_on_unicode(ctx: FaultContext, request: Message) -> Message | None:
    # A handler that encodes bodies as ASCII somewhere and lets the exception escape.
    if any(byte >= 0x80 for byte in request.body):
        return Message(
            status=500, headers=[("content-type", "text/plain")], body=b"Internal Server Error"
        )
    return None


def _token_ignored(ctx: FaultContext, request: Message) -> Message | None:
    # Authentication that falls back to a default channel instead of refusing.
    if request.header("authorization") not in ctx.tokens:
        request.set_header("authorization", ctx.tokens[0])
    return None


def _order_number(request: Message) -> str | None:
    body = request.json()
    number = body.get("order") if isinstance(body, dict) else None
    return number if isinstance(number, str) else None


def _double_capture(ctx: FaultContext, request: Message, response: Message) -> None:
    # A capture that does not look at what was captured before: every capture "succeeds".
    number = _order_number(request)
    if number is None:
        return
    captured: dict[str, Message] = ctx.state.setdefault("captured", {})
    if response.status == 200:
        captured[number] = Message(status=200, headers=list(response.headers), body=response.body)
        return
    body = response.json()
    code = body.get("code") if isinstance(body, dict) else None
    if response.status == 409 and code in ("order_already_captured", "order_item_already_captured"):
        earlier = captured.get(number)
        if earlier is not None:
            response.status, response.headers, response.body = (
                200,
                list(earlier.headers),
                earlier.body,
            )


fault("server_error_on_unicode", "CO-ERR-03", on_request=_server_error_on_unicode)
fault("token_ignored", "CO-AUTH-01", on_request=_token_ignored)
fault("double_capture", "CO-CAP-05", "CO-MON-02", on_response=_double_capture)

"""One exchange as the rules read it: channel, order, items, key, replay mark."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from capture_order.conformance.http import Exchange
from capture_order.conformance.judge.values import decimal_body, exact_number, integer, listed, obj
from capture_order.conformance.traffic.channels import channel_of

NOT_JSON: Any = object()


class _RepeatedMemberError(ValueError):
    """An object names a member twice: no I-JSON (RFC 7493), so no JSON this contract accepts."""


class _ConstantError(ValueError):
    """`NaN`, `Infinity` or `-Infinity`: Python's parser takes them, RFC 8259 has no such value."""


def _members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _RepeatedMemberError()
    return found


def _constant(name: str) -> Any:
    raise _ConstantError(name)


# One decoder for every body: `json.loads` with a hook builds a new one per call.
_DECODER = json.JSONDecoder(object_pairs_hook=_members, parse_constant=_constant)


@dataclass(frozen=True)
class Read:
    """A request body as JSON: its value, or why it is not I-JSON (`fault`)."""

    value: Any
    fault: str | None = (
        None  # invalid-utf8, escaped-surrogate, duplicate-member, not-json, too-deep
    )


@functools.lru_cache(maxsize=1024)
def read_body(body: bytes) -> Read:
    """The request body as I-JSON (RFC 7493), or the kind of fault that keeps it from being it.

    I-JSON: UTF-8, well formed RFC 8259 JSON, no member named twice in an object, no unpaired
    surrogate. `too-deep`: well formed, but nested beyond what Python's parser follows (the
    contract lets a deployment refuse such nesting either way, CO-REQ-09). Kept for the bodies
    seen last (retries and replays send one body again): do not mutate.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeError:
        return Read(NOT_JSON, "invalid-utf8")
    try:
        value = _DECODER.decode(text)
    except _RepeatedMemberError:
        return Read(NOT_JSON, "duplicate-member")
    except RecursionError:
        return Read(NOT_JSON, "too-deep")
    except ValueError:
        return Read(NOT_JSON, "not-json")
    if "\\u" in text:
        try:
            # An escaped lone surrogate parses; it is no Unicode text (UTF-8 text holds none).
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeError:
            return Read(NOT_JSON, "escaped-surrogate")
    return Read(value)


def request_json(body: bytes) -> Any:
    """The request body as JSON, NOT_JSON when it is not I-JSON (CO-REQ-03)."""
    return read_body(body).value


def _hashable(value: Any) -> Any:
    return json.dumps(value, default=str) if isinstance(value, list | dict) else value


def same_json(a: bytes, b: bytes) -> bool:
    """Whether two bodies are the same JSON value (else the same bytes)."""
    left, right = request_json(a), request_json(b)
    if left is NOT_JSON or right is NOT_JSON:
        return a == b
    return bool(left == right)


@dataclass
class Seen:
    """An exchange with what the rules ask of it, each worked out once."""

    exchange: Exchange
    channel: str | None = None
    request: Any = NOT_JSON
    order: str | None = None
    items: list[Any] | None = None  # order_items as sent (None: a full capture)
    key: str | None = None
    replayed: bool = False  # `Idempotent-Replayed: true`, exactly as the spec writes it
    marked: bool = False  # anything that reads as a replay mark
    _body: dict[str, Any] | None = field(default=None, repr=False)
    # Two rules ask for these of every 200 (and again of earlier ones): each read out once.
    _now: list[Any] | None = field(default=None, repr=False)
    _total: frozenset[Any] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, exchange: Exchange) -> Seen:
        """Read an exchange."""
        request = request_json(exchange.request_body) if exchange.request_body else NOT_JSON
        order = request.get("order") if isinstance(request, dict) else None
        items = request.get("order_items") if isinstance(request, dict) else None
        mark = (exchange.header("Idempotent-Replayed") or "").strip()
        return cls(
            exchange,
            channel_of(exchange.request_header("Authorization")),
            request,
            order if isinstance(order, str) else None,
            items if isinstance(items, list) else None,
            exchange.request_header("Idempotency-Key"),
            mark == "true",
            mark.lower() in ("true", "1"),
        )

    @property
    def body(self) -> dict[str, Any]:
        """The response body with numbers as Decimal ({} when not a JSON object)."""
        if self._body is None:
            self._body = decimal_body(self.exchange) if self.exchange.response_body else {}
        return self._body

    @property
    def status(self) -> int:
        """The response status."""
        return self.exchange.status

    @property
    def code(self) -> str | None:
        """The problem code of the response."""
        return self.exchange.code

    def listed_pks(self) -> list[int]:
        """The pks the request lists (integers only)."""
        return [i["pk"] for i in self.items or [] if isinstance(i, dict) and integer(i.get("pk"))]

    def captured_now(self) -> list[Any]:
        """The pks the 200 says this request captured (worked out once: do not mutate)."""
        if self._now is None:
            items = listed(obj(self.body.get("capture")).get("items"))
            # The rules compare these as sets: an array or object where a pk belongs (the schema
            # sweep reports it) stands as its JSON text, so it is still not among captured_items.
            self._now = [_hashable(i.get("pk")) for i in items if isinstance(i, dict)]
        return self._now

    def captured_total(self) -> frozenset[Any]:
        """The order's captured pks after this 200."""
        if self._total is None:
            total = self.body.get("captured_items")
            self._total = (
                frozenset(p for p in total if isinstance(p, int))
                if isinstance(total, list)
                else frozenset()
            )
        return self._total

    def amount(self, name: str) -> Decimal | None:
        """A top-level amount of the 200 body as an exact Decimal."""
        return exact_number(self.body.get(name))

    def overlaps(self, other: Seen) -> bool:
        """Whether the two requests were in flight at the same time (when times are known)."""
        a, b = self.exchange, other.exchange
        if a.started is None or b.started is None:
            return False
        return (
            a.started < b.started + b.elapsed_ms / 1000
            and b.started < a.started + a.elapsed_ms / 1000
        )

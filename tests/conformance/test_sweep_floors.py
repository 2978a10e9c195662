"""A sweep's floor is sound: below it, the sweep finds nothing in any exchange, however odd.

The stream judge does not call a sweep for an exchange below its floor (`Sweep.floor`); these
tests call every such sweep for such exchanges and hold it to having nothing to say.
"""

from __future__ import annotations

import json

import pytest

from capture_order.conformance.http import Exchange
from capture_order.conformance.sweep import SWEEPS, Sweep

BODIES = [
    b"",
    b"not json",
    json.dumps({"type": "https://elsewhere/x", "code": "order_not_found", "status": 500}).encode(),
    json.dumps({"type": "/problems/x", "code": "order_not_found", "title": "t"}).encode(),
    json.dumps({"type": 7, "code": ["x"]}).encode(),
    b'Traceback (most recent call last): File "/usr/lib/x.py"',
]
HEADERS = [
    (),
    (("content-type", "application/problem+json"),),
    (("content-type", "text/html"), ("www-authenticate", "Basic")),
]


def _found(sweep: Sweep, exchanges: list[Exchange], secrets: tuple[str, ...]) -> list[object]:
    """What the sweep says of the exchanges, fed in order."""
    if sweep.across is not None:
        judge = sweep.across()
        return [evidence for e in exchanges for evidence in judge(e)]
    assert sweep.inspect is not None
    return [draft for e in exchanges for draft in sweep.inspect(e, secrets)]


def _exchanges(status: int) -> list[Exchange]:
    return [
        Exchange("POST", "http://x/api/v1/capture-order/", (), b"{}", status, h, b, 1.0, "t")
        for b in BODIES
        for h in HEADERS
    ]


@pytest.mark.parametrize("sweep", [s for s in SWEEPS if s.floor], ids=lambda s: s.name)
def test_a_sweep_finds_nothing_below_its_floor(sweep: Sweep) -> None:
    statuses = sorted({100, 200, 201, 204, 299, 304, 399, sweep.floor - 1} - {sweep.floor})
    exchanges = [e for status in statuses if status < sweep.floor for e in _exchanges(status)]
    assert _found(sweep, exchanges, ("secret-key-1",)) == []


@pytest.mark.parametrize("sweep", [s for s in SWEEPS if s.floor], ids=lambda s: s.name)
def test_a_sweep_still_finds_at_its_floor(sweep: Sweep) -> None:
    """The floor is not too high: the sweep has findings for an exchange at it."""
    statuses = [sweep.floor, sweep.floor + 99]
    exchanges = [e for status in statuses for e in _exchanges(status)]
    assert _found(sweep, exchanges, ()), f"{sweep.name} found nothing at status {sweep.floor}"

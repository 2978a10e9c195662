"""The preflight that knows the setup: are the fixture orders and tokens what the facts say?

Before any scenario runs, every fixture order is asked for its state with a request that
captures nothing: a capture listing only an item pk no order has, without an Idempotency-Key,
so nothing is stored. In the spec's order of evaluation (CO-ERR-05) a capturable order answers
422 `order_item_not_found`, a captured one 409 `order_already_captured`, and an order the token
cannot see 404 `order_not_found`. Only answers that unambiguously mean a setup mistake stop the
run; every other answer is left to the judge, which takes these exchanges with the rest: a
broken deployment must never hide behind "setup error". An order captured in part answers
422 too (an unknown item comes before an item already captured): no request that captures
nothing tells it from a fresh one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from capture_order.conformance.context import UNKNOWN_PK
from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.http import Client, Exchange
from capture_order.conformance.judge.judge_facts import Facts
from capture_order.conformance.settings import Settings

SOURCE = "preflight"
CAPTURED_CODES = frozenset({"order_already_captured", "order_item_already_captured"})


@dataclass(frozen=True)
class Probe:
    """One fixture order to ask, with the token of its channel and whether it is capturable."""

    number: str
    token: str
    capturable: bool


@dataclass
class Findings:
    """The setup mistakes the preflight found, by kind."""

    asked: int = 0
    captured: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


def absent_pk(settings: Settings) -> int:
    """An item pk that no fixture order lists, from the suite's pks that cannot exist."""
    listed = {pk for order in (*settings.orders, *settings.foreign_orders) for pk in order.items}
    pk = UNKNOWN_PK
    while pk in listed:
        pk += 1
    return pk


def probe_body(number: str, pk: int) -> bytes:
    """A capture of the order listing only an item pk it has not: it captures nothing."""
    return json.dumps({"order": number, "order_items": [{"pk": pk}]}).encode()


def _probes(settings: Settings) -> list[Probe]:
    """Every fixture order a run may use, each with its own channel's token."""
    found: list[Probe] = []
    if settings.token:
        found += _of(settings.orders, settings.token)
        found += [Probe(o.number, settings.token, False) for o in settings.uncapturable_orders]
    if settings.foreign_token:
        found += _of(settings.foreign_orders, settings.foreign_token)
    return found


def _of(orders: Iterable[FixtureOrder], token: str) -> list[Probe]:
    return [Probe(o.number, token, True) for o in orders]


def _send(client: Client, body: bytes, token: str) -> Exchange:
    headers = {"Content-Type": "application/json", "Authorization": token}
    return client.send("POST", body=body, headers=headers, source=SOURCE)


def check_setup(
    client: Client,
    settings: Settings,
    facts: Facts,
    prefix: str,
    used: frozenset[str] | None = None,
) -> str | None:
    """One line saying what to do when the setup is wrong, or None (the run may go on).

    `used`: the fixture orders the run will use (None: all of them). Raises UnreachableError
    when the deployment stops answering.
    """
    if settings.foreign_token:
        # An order no channel has: 404 with a valid token, 401 with a refused one.
        body = json.dumps({"order": f"{prefix}preflight-foreign"}).encode()
        if _send(client, body, settings.foreign_token).status == 401:
            return (
                f"the foreign token is refused: POST {client.url} answered 401 with it "
                "(check --foreign-token, CAPTURE_ORDER_FOREIGN_TOKEN or foreign_token in the "
                "fixtures)"
            )
    pk = absent_pk(settings)
    facts.unknown_pks.add(pk)  # the judge knows the probes name no real item
    findings = Findings()
    for probe in _probes(settings):
        if used is not None and probe.number not in used:
            continue
        exchange = _send(client, probe_body(probe.number, pk), probe.token)
        findings.asked += 1
        if exchange.status == 401:
            return (
                f"a token of the fixtures is refused: POST {client.url} for order "
                f"{probe.number!r} answered 401 with its channel's token"
            )
        if exchange.status == 404 and exchange.code == "order_not_found":
            findings.not_found.append(probe.number)
        elif probe.capturable and exchange.status == 409 and exchange.code in CAPTURED_CODES:
            findings.captured.append(probe.number)
    return advice(findings, settings.base_url)


def advice(findings: Findings, base_url: str) -> str | None:
    """The one line for what was found (orders not found first: the file is for elsewhere)."""
    seed = f"capture-order seed --base-url {base_url} --json > fixtures.json"
    if findings.not_found:
        return (
            f"{_count(findings.not_found, findings.asked)} not found with their channel's token "
            f"({_names(findings.not_found)}): the fixtures file is not for this deployment or "
            f"database; seed fresh ones with {seed} or pass the right --fixtures file"
        )
    if findings.captured:
        return (
            f"{_count(findings.captured, findings.asked)} captured already "
            f"({_names(findings.captured)}; a fixtures file serves one run): seed fresh ones "
            f"with {seed} or pass a fresh --fixtures file"
        )
    return None


def _count(numbers: list[str], asked: int) -> str:
    verb = "was" if len(numbers) == 1 else "were"
    return f"{len(numbers)} of {asked} fixture orders {verb}"


def _names(numbers: list[str], shown: int = 3) -> str:
    listed = ", ".join(numbers[:shown])
    return listed + (f" and {len(numbers) - shown} more" if len(numbers) > shown else "")

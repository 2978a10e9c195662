"""Before a run: what the selected checks need from the fixtures, and which cases they allow.

The plan hands out the fixture orders exactly as the run will (the same pool, in registry
order), so the index it computes (the cases these fixtures allow) is what the run can reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from capture_order.conformance.fixtures import FixtureOrder
from capture_order.conformance.needs import (
    Grant,
    Needs,
    OrderNeed,
    OrderPool,
    OrdersExhaustedError,
    grant,
)
from capture_order.conformance.registry import Scenario
from capture_order.conformance.settings import Settings

# The full-capture examples go to the first, the partial ones (three pks) to the second.
FUZZ_ORDERS = (OrderNeed(1), OrderNeed(3))


@dataclass(frozen=True)
class CheckPlan:
    """One check's prospects: it runs (reason None) or skips, and which of its cases skip."""

    name: str
    cases: tuple[str, ...]
    reason: str | None = None
    case_reasons: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def allowed(self) -> tuple[str, ...]:
        """The cases this check will exercise."""
        if self.reason is not None:
            return ()
        return tuple(c for c in self.cases if c not in self.case_reasons)


@dataclass(frozen=True)
class Plan:
    """What the run needs and what the fixtures give."""

    checks: tuple[CheckPlan, ...]
    orders_needed: int
    multi_item_needed: int
    free_item_needed: int
    foreign_needed: int
    foreign_token_needed: bool
    uncapturable_needed: bool
    settings: Settings
    # The fixture orders the selected checks will use (the preflight asks only these).
    orders_used: frozenset[str] = frozenset()

    @property
    def allowed(self) -> frozenset[str]:
        """The index: every case the fixtures allow the selected checks to exercise."""
        return frozenset(ref for plan in self.checks for ref in plan.allowed)

    @property
    def skipped(self) -> list[CheckPlan]:
        """The checks the fixtures leave without what they need."""
        return [p for p in self.checks if p.reason is not None]

    def needs_line(self) -> str:
        """What the full selection needs, in the words of the fixtures file."""
        parts = [
            f"{self.orders_needed} orders of channel A ({self.multi_item_needed} with at least "
            f"2 items, {self.free_item_needed} with a free item)"
        ]
        if self.foreign_needed:
            parts.append(f"{self.foreign_needed} order of channel B")
        if self.foreign_token_needed:
            parts.append("foreign_token")
        if self.uncapturable_needed:
            parts.append(
                "uncapturable_orders (order_cancelled, order_refunded, "
                "order_not_capturable, with status and cancel_status)"
            )
        parts.append("each order's facts (status, currency, amount, items' amount and attributes)")
        return ", ".join(parts)

    def missing_line(self) -> str | None:
        """What the fixtures would need to add for the full run (None: nothing)."""
        given = self.settings
        parts = []
        short = self.orders_needed - len(given.orders)
        multi = self.multi_item_needed - sum(1 for o in given.orders if len(o.items) >= 2)
        free = self.free_item_needed - sum(1 for o in given.orders if o.has_free_item)
        if short > 0 or multi > 0:
            parts.append(
                f"{max(short, multi, 0)} more orders of channel A"
                + (f" ({multi} of them with at least 2 items)" if multi > 0 else "")
            )
        if free > 0:
            parts.append("an order with a free item (amount 0) and its facts")
        if self.foreign_needed > len(given.foreign_orders):
            parts.append("an order of channel B (foreign_orders)")
        if self.foreign_token_needed and not given.foreign_token:
            parts.append("foreign_token")
        if self.uncapturable_needed and not given.uncapturable_orders:
            parts.append("uncapturable_orders")
        parts += sorted({r for p in self.checks for r in p.case_reasons.values()})
        return "; ".join(parts) or None

    def has_line(self) -> str:
        """What the fixtures give."""
        given = self.settings
        multi = sum(1 for o in given.orders if len(o.items) >= 2)
        free = sum(1 for o in given.orders if o.has_free_item)
        facts = sum(1 for o in given.orders if o.status is not None and o.amount is not None)
        return (
            f"{len(given.orders)} orders ({multi} with at least 2 items, {free} with a free "
            f"item, {facts} with facts), {len(given.foreign_orders)} of channel B, "
            f"{'a' if given.foreign_token else 'no'} foreign_token, "
            f"{len(given.uncapturable_orders)} uncapturable"
        )


def _prospect(
    entry: Scenario, settings: Settings, pool: OrderPool, foreign: OrderPool
) -> CheckPlan:
    given = grant(entry.name, entry.needs, settings, pool, foreign)
    if isinstance(given, str):
        return CheckPlan(entry.name, entry.cases, given)
    return CheckPlan(entry.name, entry.cases, None, case_reasons(entry, given))


def case_reasons(entry: Scenario, given: Grant) -> dict[str, str]:
    """The cases of a check its grant does not allow, with what each lacks."""
    found = {}
    for ref, need in entry.case_needs.items():
        reason = need(given)
        if reason is not None:
            found[ref] = reason
    return found


def take_fuzz_orders(pool: OrderPool, name: str) -> tuple[FixtureOrder, ...]:
    """The fuzzer's orders, best effort: any order, then one with 3 items if one is left."""
    taken = []
    for need in FUZZ_ORDERS:
        for fallback in (need, OrderNeed(1)):
            try:
                taken.append(pool.take(name, fallback))
                break
            except OrdersExhaustedError:
                continue
    return tuple(taken)


def make_plan(
    settings: Settings,
    checks: Iterable[Scenario],
    *,
    fuzz: tuple[str, tuple[str, ...], str] | None = None,
    sweeps: Iterable[tuple[str, tuple[str, ...]]] = (),
) -> Plan:
    """Hand out the fixtures to the selected checks as the run will; count what they need.

    `fuzz` is (name, cases, the case that needs a fixture order) when fuzzing is selected.
    """
    entries = list(checks)
    pool, foreign = OrderPool(settings.orders), OrderPool(settings.foreign_orders)
    plans = [_prospect(e, settings, pool, foreign) for e in entries]
    needs = [e.needs for e in entries]
    if fuzz is not None:
        name, cases, needs_order = fuzz
        got = take_fuzz_orders(pool, name)
        reasons = (
            {}
            if got
            else {needs_order: "needs an order left for fuzzing (orders in the fixtures file)"}
        )
        plans.append(CheckPlan(name, cases, None, reasons))
        needs.append(Needs(orders=FUZZ_ORDERS))
    plans += [CheckPlan(name, cases) for name, cases in sweeps]
    orders = [o for n in needs for o in n.orders]
    used = {*pool.taken, *foreign.taken}
    if any(n.foreign_listed for n in needs):
        used |= {o.number for o in settings.foreign_orders}
    if any(n.uncapturable for n in needs):
        used |= {o.number for o in settings.uncapturable_orders}
    return Plan(
        tuple(plans),
        len(orders),
        sum(1 for o in orders if o.min_items >= 2),
        sum(1 for o in orders if o.free_item),
        max(sum(n.foreign_orders for n in needs), 1 if any(n.foreign_listed for n in needs) else 0),
        any(n.foreign_token for n in needs),
        any(n.uncapturable for n in needs),
        settings,
        frozenset(used),
    )

"""From a structural change to a classified finding: a witness is checked, never assumed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from capture_order.contract.diff.changes import Change, path_text
from capture_order.contract.diff.facets import Facet, Step
from capture_order.contract.diff.generation import draw_until
from capture_order.contract.diff.model import DiffFinding, Severity, Witness
from capture_order.contract.diff.places import Place, header_text
from capture_order.contract.diff.samples import DELETE, NOTHING

MAX_ENUM = 1000  # an enum up to this size is tried value by value instead of drawn from


@dataclass(frozen=True)
class Budget:
    """How hard generation tries for a suspected break that construction did not prove."""

    tries: int
    seed: int


def finding(place: Place, change: Change, budget: Budget) -> DiffFinding:
    """The change classified by what its witnesses show."""
    field = path_text(change.path, "<value>" if place.header else "<body>")
    where = f"{place.label}: {place.kind}: {field}"
    rule = f"`{path_text(change.path)}` {change.rule}" if change.path else change.rule
    if change.fixed is not None:
        return DiffFinding(change.fixed, place.area, where, rule)
    breaking_side = "old" if place.sent_by_client else "new"
    other_side = "new" if breaking_side == "old" else "old"
    constructed = {side: _constructed(place, change, side) for side in ("old", "new")}
    witness = constructed[breaking_side]
    note = None
    suspected = change.may_narrow if place.sent_by_client else change.may_widen
    if witness is None and suspected:
        witness, note = _searched(place, change, breaking_side, budget)
    if witness is not None:
        return DiffFinding(
            Severity.BREAKING_CLIENTS, place.area, where, rule, ("clients",), witness
        )
    if constructed[other_side] is not None:
        return DiffFinding(
            Severity.NON_BREAKING, place.area, where, rule, (), constructed[other_side]
        )
    note = note or "no witness found by construction"
    return DiffFinding(Severity.DOCS, place.area, where, rule, note=f"{note}: same values accepted")


def checked_witness(place: Place, value: Any, side: str, found_by: str) -> Witness | None:
    """A witness when version `side` accepts the value here and the other rejects it."""
    other = "new" if side == "old" else "old"
    if value is NOTHING or not place.accepts(side, value):
        return None
    reasons = place.rejection(other, value)
    if not reasons:
        return None
    schemas = {s: place.facet(s).pointers for s in ("old", "new")}
    shown = header_text(value) if place.header else value
    return Witness(
        place.kind, shown, side, reasons[0], found_by, schemas, place.header, place.change
    )


def _constructed(place: Place, change: Change, side: str) -> Witness | None:
    for candidate in change.candidates:
        if candidate.side != side:
            continue
        value = place.build(side, candidate.path, candidate.value)
        found = checked_witness(place, value, side, "construction")
        if found is not None:
            return found
    return None


def _searched(
    place: Place, change: Change, side: str, budget: Budget
) -> tuple[Witness | None, str | None]:
    """A witness among the values of the changed location, and what was searched if none."""
    # The value at the changed location varies (the parent object for a removed member).
    path = change.path
    if any(c.value is DELETE for c in change.candidates):
        path = path[:-1]
    facet = place.facet(side)
    for step in path:
        facet = facet.child(step)
    enum = facet.shape().enum
    if enum is not None and len(enum) <= MAX_ENUM:
        # Every value the location can take, tried: more than any number of draws could show.
        found_by = f"construction (every one of {len(enum)} enum values)"
        for value in enum:
            witness = checked_witness(place, place.build(side, path, value), side, found_by)
            if witness is not None:
                return witness, None
        return None, f"no witness among its {len(enum)} enum values"
    witness = _generated(place, facet, path, side, budget)
    return witness, None if witness else f"no witness found in {budget.tries} tries"


def _generated(
    place: Place, facet: Facet, path: tuple[Step, ...], side: str, budget: Budget
) -> Witness | None:
    def keep(value: Any) -> bool:
        whole = place.build(side, path, value)
        return checked_witness(place, whole, side, "generation") is not None

    drawn = draw_until(facet.doc, facet.pointers, keep, budget.tries, budget.seed)
    if drawn is None:
        return None
    value, used = drawn
    return checked_witness(
        place, place.build(side, path, value), side, f"generation ({used} tries)"
    )

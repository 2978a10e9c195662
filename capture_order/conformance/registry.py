"""The check registry: each check is a function named by the property it proves.

A check names the cases it exercises (`CO-AUTH-01/no-header`, from the spec's catalogue), what
it needs from the fixtures (`Needs`), and, per case, a fact that case alone needs (`CaseNeed`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from capture_order.conformance.needs import CaseNeed, Needs
from capture_order.contract.catalogue import requirement_ids

if TYPE_CHECKING:
    from capture_order.conformance.context import CheckContext

CheckFunction = Callable[["CheckContext"], None]


@dataclass(frozen=True)
class Check:
    """A registered check, the cases it exercises and what it needs."""

    name: str
    cases: tuple[str, ...]
    function: CheckFunction
    area: str
    needs: Needs = field(default_factory=Needs)
    case_needs: Mapping[str, CaseNeed] = field(default_factory=dict, hash=False)

    @property
    def requirements(self) -> tuple[str, ...]:
        """The requirement IDs of its cases, in order."""
        return requirement_ids(self.cases)


REGISTRY: list[Check] = []


def check(
    *case_refs: str,
    needs: Needs | None = None,
    case_needs: Mapping[str, CaseNeed] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a semantic check exercising the given cases (`CO-AREA-NN/case-id`)."""

    def register(function: CheckFunction) -> CheckFunction:
        area = function.__module__.rsplit(".", 1)[-1]
        REGISTRY.append(
            Check(function.__name__, case_refs, function, area, needs or Needs(), case_needs or {})
        )
        return function

    return register


def selected(
    entry_name: str, refs: tuple[str, ...], only: frozenset[str], skip: frozenset[str]
) -> bool:
    """Whether --only/--skip (check names, requirement IDs or case refs) let this check run."""
    names = set(refs) | set(requirement_ids(refs))
    if entry_name in skip or (refs and set(requirement_ids(refs)) <= skip):
        return False
    return not only or entry_name in only or bool(names & only)

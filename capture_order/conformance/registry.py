"""The scenario registry: each scenario is a function named by the property it exercises.

A scenario names the cases it exercises (`CO-AUTH-01/no-header`, from the spec's catalogue),
what it needs from the fixtures (`Needs`), and, per case, a fact that case alone needs
(`CaseNeed`). It sends requests; it never judges their answers: the judge does
(`conformance.judge`), the same way for an active run, a traffic file and the proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from capture_order.conformance.needs import CaseNeed, Needs
from capture_order.contract.catalogue import requirement_ids

if TYPE_CHECKING:
    from capture_order.conformance.context import ScenarioContext

ScenarioFunction = Callable[["ScenarioContext"], None]


@dataclass(frozen=True)
class Scenario:
    """A registered scenario, the cases it exercises and what it needs."""

    name: str
    cases: tuple[str, ...]
    function: ScenarioFunction
    area: str
    needs: Needs = field(default_factory=Needs)
    case_needs: Mapping[str, CaseNeed] = field(default_factory=dict, hash=False)

    @property
    def requirements(self) -> tuple[str, ...]:
        """The requirement IDs of its cases, in order."""
        return requirement_ids(self.cases)


SCENARIOS: list[Scenario] = []


def scenario(
    *case_refs: str,
    needs: Needs | None = None,
    case_needs: Mapping[str, CaseNeed] | None = None,
) -> Callable[[ScenarioFunction], ScenarioFunction]:
    """Register a scenario exercising the given cases (`CO-AREA-NN/case-id`)."""

    def register(function: ScenarioFunction) -> ScenarioFunction:
        area = function.__module__.rsplit(".", 1)[-1]
        SCENARIOS.append(
            Scenario(
                function.__name__, case_refs, function, area, needs or Needs(), case_needs or {}
            )
        )
        return function

    return register


def selected(
    entry_name: str, refs: tuple[str, ...], only: frozenset[str], skip: frozenset[str]
) -> bool:
    """Whether --only/--skip (scenario names, requirement IDs or case refs) let it run."""
    names = set(refs) | set(requirement_ids(refs))
    if entry_name in skip or (refs and set(requirement_ids(refs)) <= skip):
        return False
    return not only or entry_name in only or bool(names & only)

"""The check registry: each check is a function named by the property it proves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.context import CheckContext

CheckFunction = Callable[["CheckContext"], None]


@dataclass(frozen=True)
class Check:
    """A registered check and the requirement IDs it proves."""

    name: str
    requirements: tuple[str, ...]
    function: CheckFunction
    area: str


REGISTRY: list[Check] = []


def check(*requirement_ids: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a semantic check proving the given requirements."""

    def register(function: CheckFunction) -> CheckFunction:
        area = function.__module__.rsplit(".", 1)[-1]
        REGISTRY.append(Check(function.__name__, tuple(requirement_ids), function, area))
        return function

    return register


def selected(
    entry_name: str, requirement_ids: tuple[str, ...], only: frozenset[str], skip: frozenset[str]
) -> bool:
    """Whether --only/--skip (check names or requirement IDs) let this check run."""
    if entry_name in skip or (requirement_ids and set(requirement_ids) <= skip):
        return False
    return not only or entry_name in only or bool(set(requirement_ids) & only)

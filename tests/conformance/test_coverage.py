"""Every MUST requirement of the spec is proved by at least one check."""

from __future__ import annotations

from conformance import checks as _checks  # noqa: F401
from conformance.fuzzing import CHECKS
from conformance.registry import REGISTRY
from conformance.sweep import SWEEPS
from conformance.verdict import NOT_CHECKABLE
from contract.catalogue import requirements


def _covered() -> set[str]:
    ids = {r for entry in REGISTRY for r in entry.requirements}
    ids |= {r for sweep in SWEEPS for r in sweep.requirements}
    return ids | {r for found in CHECKS.values() for r in found}


def test_every_must_requirement_has_a_semantic_or_sweep_check() -> None:
    semantic = {r for entry in REGISTRY for r in entry.requirements} | {
        r for sweep in SWEEPS for r in sweep.requirements
    }
    missing = [r.id for r in requirements() if r.level == "MUST" and r.id not in semantic]
    assert missing == []


def test_only_uncheckable_requirements_lack_a_check() -> None:
    missing = {r.id for r in requirements() if r.id not in _covered()}
    assert missing == set(NOT_CHECKABLE)


def test_checks_name_only_requirements_of_the_spec() -> None:
    known = {r.id for r in requirements()} | {"RUN-RT-01"}
    assert _covered() <= known


def test_check_names_are_unique() -> None:
    names = [entry.name for entry in REGISTRY] + [s.name for s in SWEEPS]
    assert len(names) == len(set(names))

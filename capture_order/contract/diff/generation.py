"""Witnesses by generation: Schemathesis draws values of one version, the other must reject one.

Schemathesis 4 generates from OpenAPI 3.0 schemas itself (`nullable`, formats, `$ref`s), so the
schema to draw from is wrapped as the request body of a throw-away operation added to a copy of
the document; only Schemathesis's public API is used. Tries are bounded and the seed is fixed.
"""

from __future__ import annotations

import copy
import functools
import random
from collections.abc import Callable
from typing import Any

from capture_order.contract.spec import Spec

WITNESS_PATH = "/__capture_order_diff_witness__"
DEFAULT_TRIES = 100
DEFAULT_SEED = 0


def draw_until(
    doc: Spec, pointers: tuple[str, ...], keep: Callable[[Any], bool], tries: int, seed: int
) -> tuple[Any, int] | None:
    """The first drawn value of the schema at `pointers` that `keep` keeps, and the tries used."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis.errors import NoSuchExample

    strategy = _strategy(_Frozen(doc), pointers)
    if strategy is None:
        return None
    used = 0

    def condition(case: Any) -> bool:
        nonlocal used
        used += 1
        return bool(keep(case.body))

    budget = settings(
        max_examples=tries,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        case = find(strategy, condition, settings=budget, random=random.Random(seed))
    except NoSuchExample:
        return None
    except Exception:  # a schema Schemathesis cannot generate from: no witness, not a crash
        return None
    return case.body, used


class _Frozen:
    """A document made hashable by identity, so its Schemathesis schema is loaded once."""

    def __init__(self, doc: Spec) -> None:
        self.doc = doc

    def __hash__(self) -> int:
        return id(self.doc)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Frozen) and other.doc is self.doc


@functools.lru_cache(maxsize=64)
def _strategy(doc: _Frozen, pointers: tuple[str, ...]) -> Any:
    import schemathesis
    from schemathesis.generation import GenerationMode

    wrapped = copy.deepcopy(doc.doc)
    schema = {"allOf": [{"$ref": f"#{at}"} for at in pointers]} if pointers else {}
    body = {"required": True, "content": {"application/json": {"schema": schema}}}
    operation = {"requestBody": body, "responses": {"200": {"description": "drawn"}}}
    wrapped.setdefault("paths", {})[WITNESS_PATH] = {"post": operation}
    try:
        loaded = schemathesis.openapi.from_dict(wrapped)
        return loaded[WITNESS_PATH]["POST"].as_strategy(generation_mode=GenerationMode.POSITIVE)
    except Exception:  # an unloadable wrapper means no generation, not a crash
        return None

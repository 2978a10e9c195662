"""The corpus's vocabulary: a labelled single edit, and lookups that fail with a clear message."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from capture_order.contract.diff.model import Severity

Spec = dict[str, Any]
BC = Severity.BREAKING_CLIENTS
BD = Severity.BREAKING_DEPLOYMENTS
NB = Severity.NON_BREAKING
DOCS = Severity.DOCS
OPERATION = ("/capture-order/", "post")


class MissingPartError(LookupError):
    """An edit needs a part of the contract that the contract no longer has."""


@dataclass(frozen=True)
class Edit:
    """One change to the contract and the class a reviewer gives it."""

    name: str
    expected: Severity
    apply: Callable[[Spec], None]
    why: str

    def applied(self, spec: Spec) -> Spec:
        """A deep copy of the spec with the edit made."""
        edited = copy.deepcopy(spec)
        self.apply(edited)
        return edited


def need(node: Any, *keys: str | int) -> Any:
    """The node at `keys`, or MissingPartError naming the part the edit needs."""
    for index, key in enumerate(keys):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            where = "/".join(str(k) for k in keys[: index + 1])
            raise MissingPartError(f"the contract has no `{where}` (the edit needs it)") from None
    return node


def schema(spec: Spec, name: str) -> dict[str, Any]:
    """`components/schemas/<name>`."""
    found: dict[str, Any] = need(spec, "components", "schemas", name)
    return found


def prop(spec: Spec, schema_name: str, name: str) -> dict[str, Any]:
    """One property of a component schema."""
    found: dict[str, Any] = need(schema(spec, schema_name), "properties", name)
    return found


def operation(spec: Spec) -> dict[str, Any]:
    """The captureOrder operation."""
    found: dict[str, Any] = need(spec, "paths", *OPERATION)
    return found


def response(spec: Spec, status: str) -> dict[str, Any]:
    """A response of the operation, `$ref` followed."""
    found: dict[str, Any] = need(operation(spec), "responses", status)
    if "$ref" in found:
        name = found["$ref"].rsplit("/", 1)[-1]
        found = need(spec, "components", "responses", name)
    return found


def rule(spec: Spec, rule_id: str) -> dict[str, Any]:
    """One entry of the requirement catalogue."""
    for entry in need(spec, "x-requirements"):
        if entry.get("id") == rule_id:
            found: dict[str, Any] = entry
            return found
    raise MissingPartError(f"the catalogue has no rule {rule_id} (the edit needs it)")


def request_media(spec: Spec) -> dict[str, Any]:
    """The request body's `content` map."""
    found: dict[str, Any] = need(operation(spec), "requestBody", "content")
    return found


def registry() -> tuple[
    list[Edit],
    Callable[[Severity, str], Callable[[Callable[[Spec], None]], Callable[[Spec], None]]],
]:
    """A list of edits and the decorator that labels a function and adds it to the list."""
    edits: list[Edit] = []

    def labelled(
        expected: Severity, why: str
    ) -> Callable[[Callable[[Spec], None]], Callable[[Spec], None]]:
        def add(apply: Callable[[Spec], None]) -> Callable[[Spec], None]:
            edits.append(Edit(apply.__name__, expected, apply, why))
            return apply

        return add

    return edits, labelled


def major_bump(spec: Spec) -> None:
    """info.version raised to the next major version (SemVer MAJOR.MINOR.PATCH)."""
    major = int(str(need(spec, "info", "version")).split(".")[0])
    spec["info"]["version"] = f"{major + 1}.0.0"

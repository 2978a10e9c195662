"""Where and how clients reach an operation: paths, servers, security and operationIds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from capture_order.contract.diff.documents import Pair, operations
from capture_order.contract.diff.model import DiffFinding, Severity
from capture_order.contract.diff.request_changes import body_findings, parameter_findings
from capture_order.contract.diff.responses import response_findings
from capture_order.contract.spec import Spec, pointer_get

BREAKS = Severity.BREAKING_CLIENTS
ADDS = Severity.NON_BREAKING
# Keys of a security scheme that say nothing about what a client must send.
SCHEME_ANNOTATIONS = frozenset({"description"})
Alternative = frozenset[tuple[str, tuple[str, ...]]]


def endpoint_findings(pair: Pair) -> Iterator[DiffFinding]:
    """Every operation compared: removed, added, or its parts in both versions."""
    old, new = operations(pair.old), operations(pair.new)
    for key in dict.fromkeys([*old, *new]):
        label = f"{key[1].upper()} {key[0]}"
        if key not in new:
            evidence = f"a request `{label}` is no longer documented"
            rule = "operation removed (or its path renamed)"
            yield DiffFinding(BREAKS, "path", label, rule, ("clients",), evidence=evidence)
        elif key not in old:
            yield DiffFinding(ADDS, "path", label, "new operation")
        else:
            yield from _operation(pair, label, old[key], new[key])


def _operation(pair: Pair, label: str, old_at: str, new_at: str) -> Iterator[DiffFinding]:
    o, n = pointer_get(pair.old, old_at), pointer_get(pair.new, new_at)
    if o.get("operationId") != n.get("operationId"):
        rule = f"operationId is now `{n.get('operationId')}` (was `{o.get('operationId')}`)"
        yield DiffFinding(
            ADDS, "operation", label, rule, note="generated clients rename the method"
        )
    yield from _servers(pair, label, old_at, new_at)
    yield from _security(pair, label, o, n)
    yield from parameter_findings(pair, label, old_at, new_at)
    yield from body_findings(pair, label, old_at, new_at)
    yield from response_findings(pair, label, old_at, new_at)


def _effective_servers(doc: Spec, op_at: str) -> list[str]:
    path_at = op_at.rsplit("/", 1)[0]
    for owner in (pointer_get(doc, op_at), pointer_get(doc, path_at), doc):
        if owner.get("servers"):
            return [str(s.get("url")) for s in owner["servers"]]
    return ["/"]


def _servers(pair: Pair, label: str, old_at: str, new_at: str) -> Iterator[DiffFinding]:
    old, new = _effective_servers(pair.old, old_at), _effective_servers(pair.new, new_at)
    for url in old:
        if url not in new:
            rule = f"server `{url}` removed: clients configured with it no longer reach the API"
            evidence = f"a request to `{url.rstrip('/')}{label.split(' ', 1)[1]}`"
            yield DiffFinding(BREAKS, "server", label, rule, ("clients",), evidence=evidence)
    for url in new:
        if url not in old:
            yield DiffFinding(ADDS, "server", label, f"new server `{url}`")


def _alternatives(doc: Spec, operation: dict[str, Any]) -> list[Alternative]:
    requirements: list[dict[str, list[str]]] = operation.get("security", doc.get("security")) or []
    return [
        frozenset((name, tuple(sorted(scopes))) for name, scopes in requirement.items())
        for requirement in requirements
    ] or [frozenset()]


def _satisfies(sent: Alternative, needed: Alternative) -> bool:
    offered = dict(sent)
    return all(name in offered and set(scopes) <= set(offered[name]) for name, scopes in needed)


def _names(alternative: Alternative) -> str:
    return " and ".join(f"`{name}`" for name, _ in sorted(alternative)) or "no credentials"


def _scheme(doc: Spec, name: str) -> dict[str, Any]:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    found = schemes.get(name, {})
    return {
        k: v for k, v in found.items() if k not in SCHEME_ANNOTATIONS and not k.startswith("x-")
    }


def _security(
    pair: Pair, label: str, old_op: dict[str, Any], new_op: dict[str, Any]
) -> Iterator[DiffFinding]:
    old, new = _alternatives(pair.old, old_op), _alternatives(pair.new, new_op)
    where = f"{label}: security"
    for sent in old:
        if not any(_satisfies(sent, needed) for needed in new):
            rule = f"a request with {_names(sent)} is no longer enough: the operation now needs "
            rule += " or ".join(f"({_names(a)})" for a in new)
            evidence = f"a request authenticated with {_names(sent)} only"
            yield DiffFinding(BREAKS, "security", where, rule, ("clients",), evidence=evidence)
    for needed in new:
        if not any(_satisfies(needed, before) for before in old):
            yield DiffFinding(ADDS, "security", where, f"now also accepts {_names(needed)}")
    used = {name for alternative in old for name, _ in alternative}
    for name in sorted(used):
        before, after = _scheme(pair.old, name), _scheme(pair.new, name)
        if after and before != after:
            changed = ", ".join(
                sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
            )
            rule = f"security scheme `{name}` changed ({changed}): old credentials may not work"
            yield DiffFinding(BREAKS, "security", where, rule, ("clients",))

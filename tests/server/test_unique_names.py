"""Each module and top-level class of `capture_order` has a name no other one has.

A name says which side it is on (`ServerAnswer`, `sandbox/client_answers.py`), so a reader or a
traceback never has to ask which `Answer` or which `answers.py` is meant.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "capture_order"
EXEMPT_MODULES = {"__init__", "__main__"}

# Clashes between the suite's and the spec tools' own modules, none of them the server's: they
# are theirs to rename (the suite's modules are being edited elsewhere). Nothing may join them.
KNOWN_MODULE_CLASHES: dict[str, set[str]] = {}
KNOWN_CLASS_CLASHES = {
    "Answer": {"conformance.traffic.front", "conformance.traffic.upstream"},
    "Finding": {"contract.lint.findings", "contract.diff.model", "conformance.verdict"},
    "Judge": {"contract.validation", "conformance.judge.engine"},
    "_Connection": {"conformance.traffic.front", "conformance.traffic.upstream"},
}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _dotted(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def module_clashes() -> dict[str, set[str]]:
    """Basename -> the packages (relative to capture_order) of every module that has it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        if path.stem not in EXEMPT_MODULES:
            found[path.stem].add(_dotted(path.parent) if path.parent != PACKAGE else "")
    return {name: where for name, where in found.items() if len(where) > 1}


def class_clashes() -> dict[str, set[str]]:
    """Top-level class name -> every module that defines it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in _modules():
        for node in ast.parse(path.read_text("utf-8"), str(path)).body:
            if isinstance(node, ast.ClassDef):
                found[node.name].add(_dotted(path))
    return {name: where for name, where in found.items() if len(where) > 1}


def _new(clashes: dict[str, set[str]], known: dict[str, set[str]]) -> dict[str, set[str]]:
    return {name: where for name, where in clashes.items() if not where <= known.get(name, set())}


def test_no_two_modules_share_a_name() -> None:
    assert _new(module_clashes(), KNOWN_MODULE_CLASHES) == {}


def test_no_two_top_level_classes_share_a_name() -> None:
    assert _new(class_clashes(), KNOWN_CLASS_CLASHES) == {}


def test_no_known_clash_is_the_servers() -> None:
    for where in (*KNOWN_MODULE_CLASHES.values(), *KNOWN_CLASS_CLASHES.values()):
        assert not any(w.startswith("server") for w in where)


def test_a_clash_is_found() -> None:
    # The scan sees what it is for: the proxy's two `Answer` classes are a clash it finds,
    # and the server's, renamed, is in none.
    clashes = class_clashes()
    assert "ServerAnswer" not in clashes
    assert clashes["Answer"] >= {"conformance.traffic.front"}

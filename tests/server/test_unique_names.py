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


def _modules(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def _dotted(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def module_clashes(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Basename -> the packages (relative to `root`) of every module that has it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in _modules(root):
        if path.stem not in EXEMPT_MODULES:
            found[path.stem].add(_dotted(path.parent, root) if path.parent != root else "")
    return {name: where for name, where in found.items() if len(where) > 1}


def class_names(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Top-level class name -> every module (relative to `root`) that defines it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in _modules(root):
        for node in ast.parse(path.read_text("utf-8"), str(path)).body:
            if isinstance(node, ast.ClassDef):
                found[node.name].add(_dotted(path, root))
    return found


def class_clashes(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Top-level class name -> every module that defines it, where more than one does."""
    return {name: where for name, where in class_names(root).items() if len(where) > 1}


def test_no_two_modules_share_a_name() -> None:
    assert module_clashes() == {}


def test_no_two_top_level_classes_share_a_name() -> None:
    assert class_clashes() == {}


def test_a_clash_is_found(tmp_path: Path) -> None:
    # The scan sees what it is for: two packages each with an `answers.py` defining `Answer`
    # are both clashes, and the classes of the real tree (the server's `ServerAnswer`) are seen.
    for side in ("front", "upstream"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "__init__.py").write_text("")
        (tmp_path / side / "answers.py").write_text(
            f"class Answer:\n    pass\n\n\nclass {side}:\n    pass\n"
        )
    assert module_clashes(tmp_path) == {"answers": {"front", "upstream"}}
    assert class_clashes(tmp_path) == {"Answer": {"front.answers", "upstream.answers"}}
    assert "ServerAnswer" in class_names()

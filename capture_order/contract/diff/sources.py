"""The two versions to compare: files, git revisions of the contract, or the working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from openapi_spec_validator import OpenAPIV30SpecValidator

from capture_order.contract.diff.model import Source
from capture_order.contract.spec import Spec, SpecError, parse_spec, pointer, read_spec

CONTRACT_IN_REPO = "openapi/capture-order.yaml"
GIT_TIMEOUT_S = 60
FILE_SUFFIXES = (".yaml", ".yml", ".json")


def repo_root(start: Path) -> Path:
    """The top of the git checkout holding `start`."""
    done = _git(start, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise SpecError(f"{start} is not inside a git checkout: {_first_line(done.stderr)}")
    return Path(done.stdout.strip())


def load(argument: str, start: Path) -> tuple[Spec, Source]:
    """The document an argument names: an existing file is a file, anything else a revision."""
    path = Path(argument)
    if path.exists():
        return _checked(read_spec(path), str(path))
    if path.suffix in FILE_SUFFIXES and ":" not in argument:
        raise SpecError(f"cannot read {argument}: no such file")
    revision, _, inner = argument.partition(":")
    object_name = f"{revision}:{inner or CONTRACT_IN_REPO}"
    root = repo_root(start)
    done = _git(root, "show", object_name)
    if done.returncode != 0:
        detail = _first_line(done.stderr)
        raise SpecError(f"unknown git revision {revision!r} ({object_name}: {detail})")
    return _checked(parse_spec(done.stdout, object_name), object_name)


def working_tree(start: Path) -> tuple[Spec, Source]:
    """The contract as it is in the working tree of the checkout holding `start`."""
    path = repo_root(start) / CONTRACT_IN_REPO
    return _checked(read_spec(path), str(path))


def _checked(spec: Spec, label: str) -> tuple[Spec, Source]:
    """The document, once openapi-spec-validator finds it a valid OpenAPI 3.0 document."""
    error = next(iter(OpenAPIV30SpecValidator(spec).iter_errors()), None)
    if error is not None:
        where = pointer(*error.absolute_path) or "/"
        message = _first_line(error.message)
        raise SpecError(f"{label}: not a valid OpenAPI 3.0 document: {message} (at {where})")
    version = (spec.get("info") or {}).get("version")
    return spec, Source(label, None if version is None else str(version))


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpecError(f"git {args[0]} failed: {exc}") from None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else "no detail"

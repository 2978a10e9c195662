"""Where the contract is, and the contract as parsed."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

SPEC_NAME = "capture-order.yaml"
OPERATION_PATH = "/capture-order/"
OPERATION_METHOD = "post"

Spec = dict[str, Any]
# libyaml's loader where PyYAML was built with it: the same documents, five times faster (every
# process that judges or serves parses the spec at start-up).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SpecError(ValueError):
    """A spec file that cannot be read or is not an OpenAPI document."""


def spec_path() -> Path:
    """The contract: the checkout's `openapi/` when run from source, else the wheel's copy."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (
        package_dir.parents[1] / "openapi" / SPEC_NAME,
        package_dir / "openapi" / SPEC_NAME,
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{SPEC_NAME} not found next to {package_dir}")


def parse_spec(text: str, source: str) -> Spec:
    """A spec document from YAML (or JSON) text; SpecError names the source when it is not one."""
    try:
        loaded = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        try:  # PyYAML's own loader says where: libyaml's marks can be a line off
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise SpecError(f"{source}: not valid YAML{where}") from None
    if not isinstance(loaded, dict) or "openapi" not in loaded:
        raise SpecError(f"{source}: not an OpenAPI document (no `openapi` key)")
    return loaded


def read_spec(path: Path) -> Spec:
    """A spec file as parsed (not cached: for lint, docs and diff of any file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_spec(text, str(path))


@functools.cache
def load_spec() -> Spec:
    """The contract as parsed once (shared: treat it as read-only)."""
    return read_spec(spec_path())


def operation(spec: Spec | None = None) -> dict[str, Any]:
    """The captureOrder operation object."""
    found: dict[str, Any] = (spec or load_spec())["paths"][OPERATION_PATH][OPERATION_METHOD]
    return found


def base_path(spec: Spec | None = None) -> str:
    """The path prefix of the spec's first server URL (`/api/v1`)."""
    url: str = (spec or load_spec())["servers"][0]["url"]
    return urlsplit(url).path.rstrip("/")


def resolve(spec: Spec, node: Any) -> Any:
    """The node itself, or the local `$ref` it is (followed until it is not a reference)."""
    while isinstance(node, dict) and "$ref" in node:
        node = pointer_get(spec, node["$ref"])
    return node


def pointer_get(spec: Spec, ref: str) -> Any:
    """The node a local `$ref` or JSON pointer (RFC 6901) names."""
    node: Any = spec
    for part in ref.removeprefix("#").split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from unescaped parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

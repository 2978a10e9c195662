"""manifest.json: what a run was made of and wrote, by sha256; `verify` checks it offline.

The manifest proves that the report files are the ones the run wrote and names the contract,
the catalogue, the (redacted) fixtures, the suite version and the seed they came from. It is
not a signature: whoever can rewrite a report can rewrite the manifest too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capture_order.conformance import __version__
from capture_order.contract.spec import load_spec, spec_path

MANIFEST = "manifest.json"
FIXTURES = "fixtures.json"
FORMAT = 1


def sha256_bytes(data: bytes) -> str:
    """The hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> bytes:
    """A JSON value as canonical bytes (sorted keys, no whitespace), for hashing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def contract_digests() -> dict[str, dict[str, str]]:
    """The sha256 of the contract file and of its requirement catalogue."""
    path = spec_path()
    return {
        "contract": {"file": path.name, "sha256": sha256_bytes(path.read_bytes())},
        "catalogue": {"sha256": sha256_bytes(canonical(load_spec().get("x-requirements", [])))},
    }


def write_fixtures(fixtures: dict[str, Any], directory: Path) -> Path:
    """The run's fixtures, tokens removed, as a report file of their own."""
    path = directory / FIXTURES
    path.write_text(json.dumps(fixtures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_manifest(directory: Path, files: list[Path], seed: int) -> Path:
    """manifest.json over the given report files (all in `directory`)."""
    digests = {p.name: sha256_bytes(p.read_bytes()) for p in sorted(files)}
    manifest = {
        "manifest": FORMAT,
        "suite": {"name": "capture-order conformance", "version": __version__},
        "seed": seed,
        **contract_digests(),
        "fixtures": {"file": FIXTURES, "sha256": digests.get(FIXTURES)},
        "files": digests,
    }
    path = directory / MANIFEST
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Line:
    """One result of a verification: good or not, and what it says."""

    ok: bool
    text: str


class ManifestError(ValueError):
    """No readable manifest in the directory."""


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"no {MANIFEST} in {path.parent}") from None
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path} is not readable JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ManifestError(f"{path} is not a capture-order manifest (no `files`)")
    return data


def verify(directory: Path) -> list[Line]:
    """Check every file the manifest lists, and that report.json agrees with the manifest."""
    manifest = _load(directory / MANIFEST)
    lines = []
    for name, digest in sorted(manifest["files"].items()):
        path = directory / str(name)
        if "/" in str(name) or not path.is_file():
            lines.append(Line(False, f"{name}: missing"))
            continue
        actual = sha256_bytes(path.read_bytes())
        lines.append(
            Line(actual == digest, f"{name}: sha256 {'matches' if actual == digest else 'differs'}")
        )
    fixtures = manifest.get("fixtures") or {}
    if fixtures.get("sha256") != manifest["files"].get(FIXTURES):
        lines.append(Line(False, f"{FIXTURES}: the manifest names two different digests"))
    lines += _report_agrees(directory, manifest)
    mine = contract_digests()
    for part in ("contract", "catalogue"):
        same = (manifest.get(part) or {}).get("sha256") == mine[part]["sha256"]
        lines.append(
            Line(
                True,
                f"{part}: {'the same as' if same else 'not the same as'} this installation's"
                + ("" if same else " (the run used another version of the contract)"),
            )
        )
    return lines


def _report_agrees(directory: Path, manifest: dict[str, Any]) -> list[Line]:
    try:
        report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [Line(False, "report.json: not readable, cannot compare it with the manifest")]
    found = []
    pairs = (
        ("seed", report.get("seed"), manifest.get("seed")),
        ("suite version", report.get("suite", {}).get("version"), manifest["suite"]["version"]),
        (
            "contract",
            report.get("contract", {}).get("sha256"),
            (manifest.get("contract") or {}).get("sha256"),
        ),
        (
            "catalogue",
            report.get("catalogue", {}).get("sha256"),
            (manifest.get("catalogue") or {}).get("sha256"),
        ),
    )
    for what, in_report, in_manifest in pairs:
        verb = "agrees with" if in_report == in_manifest else "differs from"
        found.append(Line(in_report == in_manifest, f"report.json {what}: {verb} the manifest"))
    return found

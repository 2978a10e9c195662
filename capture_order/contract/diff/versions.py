"""Whether breaking changes came with a new major `info.version`, read as SemVer by `semver`.

The rule: a breaking change needs a higher MAJOR version. Before 1.0.0, where SemVer says anything
may change, the MINOR version counts as the major one: 0.2.0 -> 0.3.0 and 0.2.0 -> 1.0.0 are major
bumps, 0.2.0 -> 0.2.1 is not; 1.4.0 -> 2.0.0 is, 1.4.0 -> 1.5.0 is not. A version that is not
SemVer (or is missing) shows no bump.
"""

from __future__ import annotations

from semver import Version

from capture_order.contract.diff.model import ORDER, DiffFinding

RULE = "breaking changes need a new major version"


def major(text: str | None) -> tuple[int, int] | None:
    """The part of a version a breaking change must raise: (major, minor-before-1.0), or None."""
    if text is None or not Version.is_valid(text):
        return None
    version = Version.parse(text)
    return (0, version.minor) if version.major == 0 else (version.major, 0)


def is_major_bump(old: str | None, new: str | None) -> bool:
    """Whether `new` is a new major version of `old` (the rule of the module docstring)."""
    before, after = major(old), major(new)
    return before is not None and after is not None and after > before


def version_finding(
    findings: list[DiffFinding], old: str | None, new: str | None
) -> DiffFinding | None:
    """A finding of its own when breaking changes come without a major bump of info.version."""
    breaking = [f for f in findings if f.severity.breaking]
    if not breaking or is_major_bump(old, new):
        return None
    severity = min((f.severity for f in breaking), key=ORDER.index)
    affects = tuple(dict.fromkeys(a for f in breaking for a in f.affects))
    rule = f"{RULE}: info.version {old} -> {new}"
    unreadable = [v for v in (old, new) if major(v) is None]
    note = None
    if unreadable:
        note = f"not a SemVer version: {', '.join(str(v) for v in unreadable)}"
    return DiffFinding(severity, "version", "info.version", rule, affects, note=note)

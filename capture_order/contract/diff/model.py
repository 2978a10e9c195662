"""What a diff reports: findings, their class and the witnesses that prove them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """The four classes of a change, most severe first."""

    BREAKING_CLIENTS = "breaking-clients"
    BREAKING_DEPLOYMENTS = "breaking-deployments"
    NON_BREAKING = "non-breaking"
    DOCS = "docs"

    @property
    def heading(self) -> str:
        """How a report titles this class."""
        return HEADINGS[self]

    @property
    def breaking(self) -> bool:
        """Whether `--fail-on breaking` fails on it."""
        return self in (Severity.BREAKING_CLIENTS, Severity.BREAKING_DEPLOYMENTS)


HEADINGS = {
    Severity.BREAKING_CLIENTS: "Breaking for clients",
    Severity.BREAKING_DEPLOYMENTS: "Breaking for deployments",
    Severity.NON_BREAKING: "Non-breaking",
    Severity.DOCS: "Documentation only",
}
ORDER = tuple(Severity)


@dataclass(frozen=True)
class Witness:
    """A concrete value one version accepts and the other rejects, checked with the SchemaJudge."""

    kind: str  # "request body", "request header Idempotency-Key", "200 response body", ...
    value: Any  # the JSON value (the header's text for headers)
    accepted_by: str  # "old" or "new"
    reason: str  # why the other version rejects it (the SchemaJudge's first message)
    found_by: str  # "construction" or "generation (N tries)"
    # The JSON pointers of the schemas it was checked against, per version (a conjunction).
    schemas: dict[str, tuple[str, ...]] = field(default_factory=dict)
    header: bool = False  # the value is a header's text
    # The document the "new" side was judged on: the old one with these RFC 6902 operations made,
    # this change alone (None: the whole new document).
    isolated: tuple[dict[str, Any], ...] | None = None

    @property
    def rejected_by(self) -> str:
        """The version that rejects the value."""
        return "new" if self.accepted_by == "old" else "old"


@dataclass(frozen=True)
class Reworded:
    """The old and the new text of a rule's field."""

    field: str  # "text", "title", or another field of the catalogue entry
    old: str
    new: str


@dataclass(frozen=True)
class DiffFinding:
    """One change of the contract, classified."""

    severity: Severity
    area: str  # request-body, parameter, response-body, response-header, response, ...
    where: str  # the place in words: "request body (application/json): order_items[0].pk"
    rule: str  # what changed, in words
    affects: tuple[str, ...] = ()  # "clients", "deployments"
    witness: Witness | None = None
    evidence: str | None = None  # a request or response that shows a presence change
    requirement: str | None = None
    note: str | None = None  # e.g. "no witness found in 100 tries"
    reworded: Reworded | None = None  # a catalogue field's old and new text
    catalogue: str | None = None  # a catalogue rule "added", "removed" or "changed"


@dataclass(frozen=True)
class Source:
    """Where one version of the contract came from."""

    label: str  # the file path or `REV:openapi/capture-order.yaml`
    version: str | None  # its info.version


@dataclass
class Report:
    """The findings of one diff, in report order."""

    old: Source
    new: Source
    findings: list[DiffFinding] = field(default_factory=list)

    def of(self, severity: Severity) -> list[DiffFinding]:
        """The findings of one class."""
        return [f for f in self.findings if f.severity is severity]

    @property
    def verdict(self) -> Severity | None:
        """The most severe class found (None: the versions do not differ)."""
        return next((s for s in ORDER if self.of(s)), None)

    @property
    def breaking(self) -> bool:
        """Whether anything breaking was found."""
        return any(f.severity.breaking for f in self.findings)

    @property
    def missing_version_bump(self) -> bool:
        """Whether breaking changes came without a new major info.version."""
        return any(f.area == "version" for f in self.findings)

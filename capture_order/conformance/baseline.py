"""Expected failures: a deployment's known gaps, so CI gates on "no new failure".

A baseline file (TOML, or JSON when it ends in .json) lists entries under `expected_failures`,
each a requirement ID (every case of it) or a case ref `ID/case`, with the reason it is
accepted. Applied to a run: a listed failure fails nothing, an unlisted MUST failure fails the
run, and an entry whose cases pass now fails the run as stale, so that it gets deleted.
`--write-baseline` writes the current failures with a placeholder reason the loader refuses:
a baseline nobody explained is not one.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capture_order.conformance.verdict import (
    RequirementResult,
    Status,
    Verdict,
    exit_code,
    unchecked_must_cases,
)
from capture_order.contract.catalogue import by_id, cases_by_ref, requirement_of

if TYPE_CHECKING:
    from capture_order.conformance.runner import RunReport

KEY = "expected_failures"
PLACEHOLDER = "TODO: say why this failure is accepted, and until when"
# How the console and the reports name a verdict (the words of `capture-order conformance`).
VERDICT_NAMES = {
    Verdict.CONFORMANT: "CONFORMANT",
    Verdict.INCOMPLETE: "NO FAILURES, BUT INCOMPLETE",
    Verdict.NOT_CONFORMANT: "NOT CONFORMANT",
    Verdict.ERROR: "COULD NOT RUN COMPLETELY",
}


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Entry:
    """One expected failure: a requirement ID or a case ref, and why it is accepted."""

    id: str
    reason: str

    def covers(self, ref: str) -> bool:
        """Whether this entry lists the case `ref` (itself, or its requirement)."""
        return self.id in (ref, requirement_of(ref))


@dataclass(frozen=True)
class Applied:
    """A baseline set against a run's verdicts: what was known, new, stale or not checked."""

    file: str
    known: tuple[tuple[str, Entry], ...]  # (failing case ref, the entry listing it)
    new: tuple[str, ...]  # failing MUST cases no entry lists
    stale: tuple[tuple[Entry, tuple[str, ...]], ...]  # (entry, its cases that pass now)
    unchecked: tuple[Entry, ...]  # entries with no failure, but a case not judged in this run
    residual: Verdict  # the run's verdict with the known failures left out

    @property
    def outcome(self) -> str:
        """STALE (an entry passes now), NEW_FAILURES, or NO_NEW_FAILURES."""
        if self.stale:
            return "STALE"
        return "NEW_FAILURES" if self.new else "NO_NEW_FAILURES"

    def known_entry(self, ref: str) -> Entry | None:
        """The entry that makes the failing case `ref` a known failure, or None."""
        return next((e for r, e in self.known if r == ref), None)

    def stale_entry(self, ref: str) -> Entry | None:
        """The stale entry listing the passing case `ref`, or None."""
        return next((e for e, refs in self.stale if ref in refs), None)

    def exit_code(self, profile: str) -> int:
        """1 on a new failure or a stale entry, else the exit of the run without known ones."""
        return 1 if self.new or self.stale else exit_code(self.residual, profile)

    def lines(self, verdict: Verdict, profile: str) -> list[str]:
        """The verdict as the baseline leaves it, then what to do about each stale entry."""
        code = self.exit_code(profile)
        known = _count(len(self.known), "known failure")
        if self.stale:
            names = ", ".join(e.id for e, _ in self.stale)
            head = f"STALE BASELINE · {self.file} lists {names}, which passes now"
        elif self.new:
            head = (
                f"{VERDICT_NAMES[verdict]} · {_count(len(self.new), 'new failure')} not in "
                f"{self.file}: {', '.join(self.new)}; {known} from it"
            )
        else:
            head = f"{VERDICT_NAMES[verdict]} · {known} from {self.file}; no new failure"
        found = [f"{head} · exit {code}"]
        found += [
            f"  delete the entry {e.id!r} from {self.file}: {', '.join(refs)} passed"
            for e, refs in self.stale
        ]
        if self.unchecked:
            ids = ", ".join(e.id for e in self.unchecked)
            found.append(f"  not checked in this run (kept): {ids}")
        return found

    def to_dict(self, verdict: Verdict, profile: str) -> dict[str, Any]:
        """The baseline's part of report.json and report.ctrf.json."""
        return {
            "file": self.file,
            "outcome": self.outcome,
            "exit_code": self.exit_code(profile),
            "text": self.lines(verdict, profile)[0],
            "residual_verdict": self.residual.value,
            "known": [{"case": r, "entry": e.id, "reason": e.reason} for r, e in self.known],
            "new": list(self.new),
            "stale": [{"entry": e.id, "passed": list(refs)} for e, refs in self.stale],
            "unchecked": [e.id for e in self.unchecked],
        }


def run_exit_code(
    verdict: Verdict, profile: str, error: str | None, applied: Applied | None
) -> int:
    """The exit code of a run: 2 when it broke, else as the baseline (if any) leaves it."""
    if error is not None:
        return 2
    return applied.exit_code(profile) if applied else exit_code(verdict, profile)


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class Baseline:
    """The entries of one baseline file."""

    file: str  # as the user named it, for the messages
    entries: tuple[Entry, ...]

    def entry_for(self, ref: str) -> Entry | None:
        """The entry listing a case (the case's own entry before its requirement's)."""
        own = next((e for e in self.entries if e.id == ref), None)
        return own or next((e for e in self.entries if e.covers(ref)), None)

    def apply(self, results: Sequence[RequirementResult]) -> Applied:
        """Set the entries against the verdicts of a run."""
        known: list[tuple[str, Entry]] = []
        new: list[str] = []
        for result in results:
            for ref in failing(result):
                entry = self.entry_for(ref)
                if entry is not None:
                    known.append((ref, entry))
                elif result.requirement.level == "MUST":
                    new.append(ref)
        listed = {e.id for _, e in known}
        stale, unchecked = [], []
        by_requirement = {r.requirement.id: r for r in results}
        for entry in self.entries:
            if entry.id in listed:
                continue
            mine = by_requirement.get(requirement_of(entry.id))
            cases = [c for c in mine.cases if c.observable and entry.covers(c.ref)] if mine else []
            passed = tuple(c.ref for c in cases if c.status == Status.PASS)
            # Stale once every case it lists passed: an unjudged case may be the failing one.
            if cases and len(passed) == len(cases):
                stale.append((entry, passed))
            else:
                unchecked.append(entry)
        return Applied(
            self.file, tuple(known), tuple(new), tuple(stale), tuple(unchecked), _residual(results)
        )


def failing(result: RequirementResult) -> list[str]:
    """The failing cases of a requirement (the requirement itself when no case holds it)."""
    refs = [c.ref for c in result.cases if c.status == Status.FAIL]
    if not refs and result.status in (Status.FAIL, Status.WARN):
        refs = [result.requirement.id]
    return refs


def _residual(results: Sequence[RequirementResult]) -> Verdict:
    """The verdict of a run whose failures are all known: what the rest of it says."""
    if any(r.status == Status.ERROR for r in results):
        return Verdict.ERROR
    return Verdict.INCOMPLETE if unchecked_must_cases(results) else Verdict.CONFORMANT


def load(path: Path) -> Baseline:
    """Read and check a baseline file; BaselineError names the file and the problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{name}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{name}: cannot read: {exc}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise BaselineError(f"{name}: not valid {kind}: {exc}") from None
    return Baseline(name, _entries(data, name))


def _entries(data: Any, name: str) -> tuple[Entry, ...]:
    if not isinstance(data, Mapping) or set(data) - {KEY}:
        raise BaselineError(f"{name}: expected only a list {KEY!r} of entries (id, reason)")
    raw = data.get(KEY, [])
    if not isinstance(raw, list):
        raise BaselineError(f"{name}: {KEY!r} must be a list of entries (id, reason)")
    known_ids, known_refs = by_id(), cases_by_ref()
    entries: list[Entry] = []
    for number, item in enumerate(raw, 1):
        where = f"{name}: entry {number}"
        if not isinstance(item, Mapping) or set(item) != {"id", "reason"}:
            raise BaselineError(f"{where}: needs exactly the keys id and reason")
        ident, reason = item["id"], item["reason"]
        if not isinstance(ident, str) or (ident not in known_ids and ident not in known_refs):
            raise BaselineError(f"{where}: {ident!r} is no requirement ID or case of the spec")
        if not isinstance(reason, str) or not reason.strip():
            raise BaselineError(f"{where} ({ident}): the reason is empty")
        if reason.strip() == PLACEHOLDER:
            raise BaselineError(
                f"{where} ({ident}): the reason is still the placeholder of --write-baseline; "
                "say why this failure is accepted"
            )
        if any(e.id == ident for e in entries):
            raise BaselineError(f"{where}: {ident} is listed twice")
        entries.append(Entry(ident, reason.strip()))
    return tuple(entries)


def _toml_string(text: str) -> str:
    # A JSON string is a TOML basic string (same escapes), non-ASCII kept as it is.
    return json.dumps(text, ensure_ascii=False)


def write(
    path: Path,
    results: Sequence[RequirementResult],
    previous: Baseline | None,
    origin: str,
) -> int:
    """Write the run's failing MUST cases as a baseline; returns how many entries it holds.

    An entry of the previous baseline that still lists a failure is kept with its reason;
    every other failing case gets the placeholder, which `load` refuses until it is filled.
    """
    lines = [
        "# Expected failures for `capture-order conformance --expected-failures`.",
        f"# Written by --write-baseline from {origin}.",
        "# Replace every placeholder reason (why the failure is accepted, and until when):",
        "# the suite refuses a baseline that still holds one. An id is a case (ID/case) or a",
        "# whole requirement (ID); delete an entry once its cases pass.",
    ]
    written: list[str] = []
    for result in results:
        if result.requirement.level != "MUST":
            continue
        for ref in failing(result):
            entry = previous.entry_for(ref) if previous else None
            ident, reason = (entry.id, entry.reason) if entry else (ref, PLACEHOLDER)
            if ident in written:
                continue
            written.append(ident)
            lines += ["", f"[[{KEY}]]", f"id = {_toml_string(ident)}"]
            lines.append(f"reason = {_toml_string(reason)}")
            titles = dict.fromkeys(f.title for _, f in result.findings if f.concerns(ref))
            lines += [f"# {' '.join(t.split())}" for t in list(titles)[:3]]
    if not written:
        lines += ["", "# No failure in this run.", f"{KEY} = []"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(written)


def given(flags: Mapping[str, Any], env: Mapping[str, str]) -> Baseline | None:
    """The baseline the flags or CAPTURE_ORDER_EXPECTED_FAILURES name, loaded (or None)."""
    path = flags.get("expected_failures") or env.get("CAPTURE_ORDER_EXPECTED_FAILURES")
    return load(Path(path)) if path else None


def settle(report: RunReport, baseline: Baseline | None, write_to: Path | None) -> list[str]:
    """Apply the baseline to a finished run and write the new one; the lines to print."""
    lines = []
    if report.error is None and baseline is not None:
        report.baseline = baseline.apply(report.requirements)
        lines += report.baseline.lines(report.verdict, report.settings.profile)
    if write_to is not None:
        if report.error is not None:
            lines.append(f"baseline not written to {write_to}: the run judged nothing")
        else:
            origin = f"the run of {report.started_at} against {report.settings.base_url}"
            n = write(write_to, report.requirements, baseline, origin)
            lines.append(f"wrote {_count(n, 'expected failure')} to {write_to}")
            if n:
                lines[-1] += ": fill in each reason before using it with --expected-failures"
    return lines

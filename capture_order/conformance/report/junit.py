"""junit.xml: one test case per case of every rule, so CI systems gate on what was checked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from capture_order.conformance.runner import RunReport
from capture_order.conformance.verdict import Status


def write_junit(report: RunReport, path: Path) -> Path:
    """Write junit.xml: FAIL -> failure, ERROR -> error, SKIP -> skipped, WARN -> system-out.

    With a baseline, a known failure is skipped (it fails nothing, its findings in system-out)
    and a case that passes while the baseline lists it is a failure: STALE.
    """
    baseline = report.baseline
    cases = [(r, c) for r in report.requirements for c in r.cases]
    known = [c for _, c in cases if baseline and baseline.known_entry(c.ref)]
    stale = [c for _, c in cases if baseline and baseline.stale_entry(c.ref)]
    count = {s: sum(1 for _, c in cases if c.status == s) for s in Status}
    count[Status.FAIL] += len(stale) - len(known)
    count[Status.SKIP] += len(known)
    suites = ET.Element("testsuites", name="capture-order conformance")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="capture-order conformance",
        tests=str(len(cases)),
        failures=str(count[Status.FAIL]),
        errors=str(count[Status.ERROR] + (1 if report.error else 0)),
        skipped=str(count[Status.SKIP]),
        time=f"{report.duration_s:.3f}",
        timestamp=report.started_at,
    )
    ET.SubElement(
        ET.SubElement(suite, "properties"),
        "property",
        name="verdict",
        value=report.verdict.value,
    )
    if report.error:
        case = ET.SubElement(suite, "testcase", classname="conformance.run", name="run")
        ET.SubElement(case, "error", message=report.error)
    for result, outcome in cases:
        r = result.requirement
        case = ET.SubElement(
            suite, "testcase", classname=f"conformance.{r.level}.{r.id}", name=outcome.ref
        )
        findings = [(check, f) for check, f in result.findings if f.concerns(outcome.ref)]
        details = "\n\n".join(
            f"[{check}] {f.message()}" + "".join(f"\nReproduce: {c}" for c in f.curl)
            for check, f in findings
        )
        known_entry = baseline.known_entry(outcome.ref) if baseline else None
        stale_entry = baseline.stale_entry(outcome.ref) if baseline else None
        if known_entry is not None and baseline is not None:
            message = f"known failure ({known_entry.id} in {baseline.file}): {known_entry.reason}"
            ET.SubElement(case, "skipped", message=message)
            ET.SubElement(case, "system-out").text = details
        elif stale_entry is not None and baseline is not None:
            message = f"STALE: passes now; delete the entry {stale_entry.id!r} from {baseline.file}"
            ET.SubElement(case, "failure", message=message)
        elif outcome.status == Status.FAIL and r.level != "MUST":
            ET.SubElement(case, "system-out").text = "WARN (SHOULD not met)\n\n" + details
        elif outcome.status == Status.FAIL:
            first = findings[0][1].title if findings else f"{r.id} failed"
            ET.SubElement(case, "failure", message=first).text = details
        elif outcome.status == Status.ERROR:
            ET.SubElement(case, "error", message=outcome.reason or result.reason or "error")
        elif outcome.status == Status.SKIP:
            ET.SubElement(case, "skipped", message=outcome.reason or "skipped")
    ET.indent(suites)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
    return path

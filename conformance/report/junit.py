"""junit.xml: one test case per requirement, so CI systems can gate and show history."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.runner import RunReport
from conformance.verdict import Status


def write_junit(report: RunReport, path: Path) -> Path:
    """Write junit.xml: FAIL -> failure, ERROR -> error, SKIP -> skipped, WARN -> system-out."""
    results = report.requirements
    count = {s: sum(1 for r in results if r.status == s) for s in Status}
    suites = ET.Element("testsuites", name="capture-order conformance")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="capture-order conformance",
        tests=str(len(results)),
        failures=str(count[Status.FAIL]),
        errors=str(count[Status.ERROR] + (1 if report.error else 0)),
        skipped=str(count[Status.SKIP]),
        time=f"{report.duration_s:.3f}",
        timestamp=report.started_at,
    )
    if report.error:
        case = ET.SubElement(suite, "testcase", classname="conformance.run", name="run")
        ET.SubElement(case, "error", message=report.error)
    for result in results:
        r = result.requirement
        case = ET.SubElement(
            suite, "testcase", classname=f"conformance.{r.level}", name=f"{r.id} {r.title}"
        )
        details = "\n\n".join(
            f"[{check}] {f.message()}" + "".join(f"\nReproduce: {c}" for c in f.curl)
            for check, f in result.findings
        )
        if result.status == Status.FAIL:
            first = result.findings[0][1].title if result.findings else "failed"
            ET.SubElement(case, "failure", message=first).text = details
        elif result.status == Status.ERROR:
            ET.SubElement(case, "error", message=result.reason or "error")
        elif result.status == Status.SKIP:
            ET.SubElement(case, "skipped", message=result.reason or "skipped")
        elif result.status == Status.WARN:
            ET.SubElement(case, "system-out").text = "WARN (SHOULD not met)\n\n" + details
    ET.indent(suites)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
    return path

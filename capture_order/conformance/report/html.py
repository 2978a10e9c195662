"""report.html: one self-contained page (inline CSS, no script, no network) for people."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

AREAS = {
    "AUTH": "Authentication",
    "OLA": "Channel isolation",
    "REQ": "Requests",
    "CAP": "Capture",
    "MON": "Money",
    "IDEM": "Idempotency",
    "CONC": "Concurrency",
    "ERR": "Errors",
    "RSP": "Responses",
    "RT": "Run options",
}
BANNER = {
    "CONFORMANT": ("Conformant", "Every MUST case was checked and passed."),
    "INCOMPLETE": (
        "No failures, but incomplete",
        "Nothing failed, but some MUST cases were not checked: this run is no certificate of "
        "conformance. What was not checked, and the fixtures that would cover it, are below.",
    ),
    "NOT_CONFORMANT": (
        "Not conformant",
        "At least one MUST requirement failed: see the failures below.",
    ),
    "ERROR": ("Could not run completely", "The run itself broke; the verdict says nothing."),
}
MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace"
CSS = f"""
*{{box-sizing:border-box}}
body{{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}}
main{{max-width:1180px;margin:0 auto;padding:24px}}
h1{{font-size:22px;margin:0 0 4px}}
h2{{font-size:18px;margin:28px 0 10px}}
h3{{font-size:15px;margin:18px 0 6px;color:#445}}
.meta,.muted{{color:#556;font-size:13px}}
.banner{{border-radius:10px;padding:18px 22px;color:#fff;margin:16px 0}}
.banner b{{font-size:24px;display:block}}
.CONFORMANT.banner{{background:#1f7a44}} .NOT_CONFORMANT.banner{{background:#b3261e}}
.INCOMPLETE.banner{{background:#35577d}} .ERROR.banner{{background:#8a5a00}}
.cases{{margin:6px 0 0;padding:0;list-style:none;font-size:13px}}
.cases li{{margin:2px 0}} .cases .badge{{min-width:44px;font-size:11px}}
.cards{{display:flex;gap:12px;flex-wrap:wrap}}
.card{{background:#fff;border:1px solid #dde1e7;border-radius:10px;padding:12px 16px;
  min-width:210px}}
.card .big{{font-size:26px;font-weight:600}}
.bar{{height:8px;background:#e6e8ec;border-radius:4px;overflow:hidden;margin-top:6px}}
.bar span{{display:block;height:100%;background:#1f7a44}}
table{{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dde1e7}}
th,td{{text-align:left;padding:8px 10px;border-bottom:1px solid #eceef2;vertical-align:top}}
th{{background:#f0f2f5;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#556}}
.badge{{display:inline-block;min-width:52px;text-align:center;border-radius:999px;
  padding:2px 8px;font-size:12px;font-weight:700;color:#fff}}
.b-PASS{{background:#1f7a44}} .b-FAIL{{background:#b3261e}} .b-WARN{{background:#c77700}}
.b-SKIP{{background:#7a8190}} .b-ERROR{{background:#8a5a00}}
code,pre{{font:12.5px/1.4 {MONO}}}
pre{{background:#0f1420;color:#e7ecf5;padding:10px 12px;border-radius:8px;white-space:pre-wrap;
  word-break:break-all;margin:6px 0}}
details{{margin:6px 0}} summary{{cursor:pointer;font-weight:600}}
.fail{{border-left:3px solid #b3261e;padding:4px 10px;margin:8px 0;background:#fff7f6}}
.ids{{font-family:{MONO};font-size:12px;color:#445}}
.attention{{background:#fff;border:1px solid #dde1e7;border-radius:10px;padding:10px 30px;margin:0}}
.attention li{{margin:4px 0}} a{{color:#0b57d0}}
code{{font-size:12px;background:#f0f2f5;border-radius:4px;padding:0 3px}}
"""


def _prose(text: str) -> str:
    """Requirement text as HTML: escaped, with the spec's `code spans` shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def _badge(status: str) -> str:
    return f'<span class="badge b-{status}">{status}</span>'


def _failure(failure: dict[str, Any]) -> str:
    curls = "".join(f"<pre>{escape(c)}</pre>" for c in failure["curl"])
    who = f'<span class="muted">{escape(failure.get("check") or "")}</span>'
    expected, received = escape(failure["expected"]), escape(failure["received"])
    reproduce = f"<div class='muted'>Reproduce:</div>{curls}" if curls else ""
    return (
        f'<div class="fail"><div><b>{escape(failure["title"])}</b> {who}</div>'
        f"<pre>Expected: {expected}\nReceived: {received}</pre>{reproduce}</div>"
    )


def _cases(r: dict[str, Any]) -> str:
    items = "".join(
        f"<li>{_badge(c['status'] if c['observable'] else 'SKIP')} "
        f"<span class='ids'>{escape(c['id'].split('/', 1)[-1])}</span> {_prose(c['text'])}"
        + (f" <span class='muted'>— {escape(c['reason'])}</span>" if c["reason"] else "")
        + "</li>"
        for c in r["cases"]
    )
    return f"<div class='muted'>{escape(r['case_summary'])}</div><ul class='cases'>{items}</ul>"


def _requirement_row(r: dict[str, Any]) -> str:
    detail = ""
    if r["failures"]:
        inner = "".join(_failure(f) for f in r["failures"])
        opened = " open" if r["status"] == "FAIL" else ""
        count = len(r["failures"])
        detail = f"<details{opened}><summary>{count} failure(s)</summary>{inner}</details>"
    elif r["reason"]:
        detail = f'<div class="muted">{escape(r["reason"])}</div>'
    checks = ", ".join(r["checks"]) or "—"
    return (
        f"<tr id='{escape(r['id'])}'><td>{_badge(r['status'])}</td>"
        f"<td class='ids'>{escape(r['id'])}<br>{r['level']}</td>"
        f"<td><b>{_prose(r['title'])}</b><div class='muted'>{_prose(r['text'])}</div>"
        f"{_cases(r)}{detail}</td>"
        f"<td class='ids'>{escape(checks)}</td></tr>"
    )


def _attention(data: dict[str, Any]) -> str:
    """Links to the requirements that need a look, above the long tables."""
    bad = [r for r in data["requirements"] if r["status"] in ("FAIL", "WARN", "ERROR")]
    if not bad:
        return ""
    items = "".join(
        f"<li>{_badge(r['status'])} <a href='#{escape(r['id'])}'>{escape(r['id'])}</a> "
        f"{escape(r['title'])}</li>"
        for r in bad
    )
    return f"<h2>Needs attention</h2><ul class='attention'>{items}</ul>"


def _score_card(score: dict[str, Any]) -> str:
    counts = " · ".join(f"{n} {k}" for k, n in sorted(score["counts"].items()))
    total = score["cases"] or 1
    percent = f"{100 * score['cases_passed'] / total:.0f}"
    allowed = score["cases_allowed"]
    index = "" if allowed is None else f"index {allowed}/{score['cases']} · "
    return (
        f'<div class="card"><div class="muted">{score["level"]} cases: {index}score</div>'
        f'<div class="big">{score["cases_passed"]}/{score["cases"]} '
        f'<span class="muted">({percent}%)</span></div>'
        f'<div class="bar"><span style="width:{percent}%"></span></div>'
        f'<div class="muted">requirements {score["passed"]}/{score["checked"]} passed'
        f" · {counts}</div></div>"
    )


def _not_checked(data: dict[str, Any]) -> str:
    """The MUST cases the run did not check, why, and the fixtures plan."""
    missing = data["not_checked"]
    plan = data["plan"]
    head = ""
    if plan is not None:
        head = (
            f"<p class='muted'>The full run needs: {escape(plan['needs'])}.<br>"
            f"The fixtures give: {escape(plan['has'])}."
            + (
                f"<br>To check every case, add: {escape(plan['missing'])}."
                if plan["missing"]
                else ""
            )
            + "</p>"
        )
    if not missing:
        return f"<h2>Fixtures</h2>{head}" if head else ""
    items = "".join(
        f"<li><span class='ids'>{escape(c['id'])}</span> {_prose(c['text'])}"
        f"<div class='muted'>{escape(c['reason'])}</div></li>"
        for c in missing
    )
    return (
        f"<h2>Not checked ({len(missing)} MUST cases)</h2>{head}<ul class='attention'>{items}</ul>"
    )


def _ledger(data: dict[str, Any]) -> str:
    """The safety ledger: every capturing request by fixture order, and any refused."""
    ledger = data["ledger"]
    rows = "".join(
        f"<tr><td class='ids'>{escape(o['order'])}</td><td class='muted'>{escape(o['role'])}</td>"
        "<td class='ids'>"
        + "<br>".join(
            f"{escape(e['source'])}: {e['method']} → {e['status']} {escape(e['code'] or '')}"
            + (" (number variant)" if e["variant"] else "")
            for e in o["requests"]
        )
        + "</td></tr>"
        for o in ledger["orders"]
    )
    refused = "".join(
        f"<li><span class='ids'>{escape(e['source'])}</span> {escape(e['refused'] or '')}</li>"
        for e in ledger["refused"]
    )
    refused_html = (
        f"<h3>Refused to send ({len(ledger['refused'])})</h3><ul class='attention'>{refused}</ul>"
        if refused
        else "<p class='muted'>No request was refused.</p>"
    )
    return (
        "<h2>Safety ledger</h2><p class='muted'>Every request that named a fixture order, by "
        f"order; {ledger['generated_requests']} more named only generated numbers (prefix "
        f"<code>{escape(ledger['order_prefix'])}</code>); "
        f"{len(ledger['untouched'])} fixture orders were not used.</p>"
        "<table><tr><th>Order</th><th>Role</th><th>Requests</th></tr>"
        f"{rows}</table>{refused_html}"
    )


def _run_card(data: dict[str, Any]) -> str:
    counts = data["counts"]
    return (
        f'<div class="card"><div class="muted">Run</div>'
        f'<div class="big">{data["duration_s"]:.1f} s</div>'
        f'<div class="muted">{counts["checks"]} checks · {counts["semantic_requests"]} requests'
        f" · {counts['fuzz_cases']} fuzzed cases</div></div>"
    )


def _traffic_card(data: dict[str, Any]) -> str:
    """For a verdict from recorded traffic: what was read and how much of the catalogue it hit."""
    traffic = data.get("traffic")
    if not traffic:
        return ""
    skipped = sum(traffic["skipped"].values())
    return (
        f'<div class="card"><div class="muted">Traffic ({escape(str(traffic["format"]))})</div>'
        f'<div class="big">{traffic["covered"]}/{traffic["catalogue"]} '
        f'<span class="muted">requirements exercised</span></div>'
        # The cases as the score counts them (observable cases per level).
        + "".join(
            f'<div class="muted">{escape(level)} cases {n["covered"]}/{n["of"]} exercised</div>'
            for level, n in (traffic.get("cases") or {}).items()
        )
        + f'<div class="muted">{traffic["judged"]} exchanges judged · {skipped} skipped'
        + (" · last line cut off" if traffic.get("truncated_last_line") else "")
        + "</div></div>"
    )


def _check_row(check: dict[str, Any]) -> str:
    amount = check["requests"] or check["examined"] or ""
    return (
        f"<tr><td>{_badge(check['status'])}</td><td class='ids'>{escape(check['name'])}</td>"
        f"<td class='ids'>{escape(' '.join(check['requirements']))}</td>"
        f"<td class='muted'>{escape(check['reason'])}</td><td class='ids'>{amount}</td></tr>"
    )


def _requirement_tables(data: dict[str, Any]) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in data["requirements"]:
        groups.setdefault(r["id"].split("-")[1], []).append(r)
    head = (
        "<tr><th style='width:80px'>Verdict</th><th style='width:110px'>Requirement</th>"
        "<th>Rule</th><th style='width:260px'>Checks</th></tr>"
    )
    return "".join(
        f"<h3>{escape(AREAS.get(area, area))}</h3><table>{head}"
        + "".join(_requirement_row(r) for r in items)
        + "</table>"
        for area, items in groups.items()
    )


def _baseline(data: dict[str, Any]) -> str:
    baseline = data.get("baseline")
    return f'<p class="meta">{escape(baseline["text"])}</p>' if baseline else ""


def render(data: dict[str, Any]) -> str:
    """The HTML page for a report.json document."""
    verdict = data["verdict"]
    title, explanation = BANNER[verdict]
    explanation = data["error"] or explanation
    cards = "".join(_score_card(s) for s in data["scores"]) + _run_card(data) + _traffic_card(data)
    checks = "".join(_check_row(c) for c in data["checks"])
    config = escape(json.dumps(data["config"], indent=2))
    spec, suite, url = data["spec"], data["suite"], escape(data["config"]["base_url"])
    meta = (
        f"{url} · spec {escape(spec['title'])} {escape(spec['version'])} · suite "
        f"{escape(suite['version'])} · Schemathesis {escape(data['schemathesis'])} · "
        f"seed {data['seed']} · profile {escape(data['profile'])} · "
        f"exit {data['exit_code']} · {escape(data['started_at'])}"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Conformance: {escape(title)} — {url}</title><style>{CSS}</style></head>
<body><main>
<h1>Capture Order conformance report</h1>
<div class="meta">{meta}</div>
<div class="banner {verdict}"><b>{escape(title)}</b>{escape(explanation)}</div>
{_baseline(data)}
<div class="cards">{cards}</div>
{_attention(data)}
{_not_checked(data)}
<h2>Requirements</h2>{_requirement_tables(data)}
<h2>Checks</h2><table><tr><th style='width:80px'>Result</th><th>Check</th><th>Requirements</th>
<th>Note</th><th>Requests / examined</th></tr>{checks}</table>
{_ledger(data)}
<h2>Configuration</h2><p class="muted">Tokens are redacted. Reproductions read them from
<code>$CAPTURE_ORDER_TOKEN</code> and <code>$CAPTURE_ORDER_FOREIGN_TOKEN</code>.</p>
<pre>{config}</pre>
</main></body></html>
"""


def write_html(report: Any, path: Path) -> Path:
    """Write report.html."""
    from capture_order.conformance.report.json import to_dict

    path.write_text(render(to_dict(report)), encoding="utf-8")
    return path

"""A recording, judging reverse proxy for staging: forwards untouched, reports when stopped.

Every request is forwarded as it came (method, path, query string, headers, body bytes); only
framing headers are the proxy's own on each side (Host names the upstream; Content-Length is
set, chunked bodies arrive whole). Each exchange is written to --record as NDJSON (tokens as
`<redacted:ch-…>`) and judged with the suite's rules; SIGINT or SIGTERM stops it, and the
report goes to --report-dir.

Exit status: 0 no failure in what passed through (a proxy knows no fixtures' facts, so some MUST
cases are never judged: its best verdict is NO FAILURES, BUT INCOMPLETE, never CONFORMANT),
1 not conformant (a MUST failed), 2 could not run (a bad --upstream or --listen, the port
taken, or a check that broke).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from capture_order.conformance.traffic.errors import ReadStats
from capture_order.conformance.traffic.traffic_command import traffic_settings

HELP = "a recording, judging reverse proxy in front of a deployment"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The proxy's options."""
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="the deployment's host root, e.g. https://staging.example.com",
    )
    parser.add_argument(
        "--listen",
        default="127.0.0.1:8080",
        metavar="HOST:PORT",
        help="where the proxy listens (default 127.0.0.1:8080)",
    )
    parser.add_argument("--record", metavar="FILE", help="append every exchange here (NDJSON)")
    parser.add_argument(
        "--report-dir",
        metavar="DIR",
        help="write junit.xml, report.json and report.html here when stopped",
    )
    parser.add_argument("--quiet", action="store_true", help="no live summary line")


def _listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--listen {text!r} is not HOST:PORT")
    return host, int(port)


class LiveLine:
    """Exchanges seen and findings so far, on one terminal line, refreshed when they change."""

    def __init__(self, recorder: object, quiet: bool) -> None:
        self.recorder = recorder
        self.quiet = quiet
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-line", daemon=True)
        self._thread.start()

    def line(self) -> str:
        r = self.recorder
        return (
            f"proxy: {getattr(r, 'seen', 0)} exchanges, {getattr(r, 'judged', 0)} judged, "
            f"{getattr(r, 'findings', 0)} findings so far"
        )

    def _run(self) -> None:
        tty, shown = sys.stderr.isatty(), ""
        while not self._stop.wait(1.0 if tty else 10.0):
            text = self.line()
            if text != shown and not self.quiet:
                sys.stderr.write(("\r" + text) if tty else text + "\n")
                sys.stderr.flush()
                shown = text

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        if not self.quiet:
            sys.stderr.write(("\r" if sys.stderr.isatty() else "") + self.line() + "\n")


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; then the verdict of what passed through."""
    from capture_order.conformance import suite_console
    from capture_order.conformance.report import write_reports
    from capture_order.conformance.traffic.front import Front, listening_socket, new_loop
    from capture_order.conformance.traffic.proxy import Proxy, Recorder
    from capture_order.conformance.traffic.run import TrafficJudge
    from capture_order.conformance.traffic.traffic_console import traffic_summary
    from capture_order.conformance.verdict import exit_code

    parts = urlsplit(args.upstream)
    try:
        host, port = _listen(args.listen)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--upstream {args.upstream!r} is not an http(s) URL")
    except ValueError as exc:
        print(f"capture-order proxy: {exc}", file=sys.stderr)
        return 2
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        print(
            f"capture-order proxy: cannot listen on {host}:{port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    settings = traffic_settings({"report_dir": args.report_dir}, f"proxy to {args.upstream}")
    judge = TrafficJudge(settings)
    started = time.perf_counter()
    recorder = Recorder(judge, Path(args.record) if args.record else None, judge_apart=True)
    proxy = Proxy(args.upstream, recorder)
    front = Front(proxy, proxy.close)
    print(
        f"capture-order proxy: http://{host}:{port} -> {args.upstream}"
        + (f", recording to {args.record}" if args.record else ""),
        flush=True,
    )
    live = LiveLine(recorder, args.quiet)
    loop = new_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, front.stop)
    try:
        loop.run_until_complete(front.serve(sock))
    finally:
        loop.close()
        live.stop()
        recorder.close()
    stats = ReadStats(format="proxy", read=recorder.seen, judged=recorder.judged)
    if recorder.seen > recorder.judged:
        stats.skipped["another path than the operation's"] = recorder.seen - recorder.judged
    if recorder.dropped:
        stats.skipped["forwarded while the judge was behind (not recorded)"] = recorder.dropped
    report = judge.report(started, stats, args.upstream, recorder.results)
    suite_console.summary(report)
    traffic_summary(report)
    if settings.report_dir is not None:
        suite_console.reports(write_reports(report, settings.report_dir))
    return exit_code(report.verdict)

#!/usr/bin/env bash
# `make bench-proxy`: p50 latency of real captures, direct and through `capture-order proxy`,
# measured alternately in one run (wrk, 16 connections). Every request captures a fresh order.
# Two loads: saturated (each connection sends as soon as its answer arrives: on 2 cores wrk,
# proxy and server then share the CPU, so the proxy's CPU shows as queueing) and paced (each
# connection pauses PAUSE_MS between requests: a staging load, where the hop itself shows).
set -euo pipefail
BIN=${BIN:-.venv/bin}
ROUNDS=${ROUNDS:-5}       # direct/proxied pairs (their medians are compared)
SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-5}
ORDERS_PER_ROUND=${ORDERS_PER_ROUND:-15000}  # more than a saturated direct round captures
PAUSE_MS=${PAUSE_MS:-20}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk"; exit 1; }
work=$(mktemp -d)
cleanup() { kill "${proxy_pid:-}" "${server_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
server_port=$(port); proxy_port=$(port)
db="sqlite:///$work/bench.sqlite3"
"$BIN/capture-order" serve --port "$server_port" --database "$db" --log-level warning >"$work/server.log" 2>&1 &
server_pid=$!
"$BIN/capture-order" proxy --upstream "http://127.0.0.1:$server_port" --listen "127.0.0.1:$proxy_port" \
    --record "$work/record.ndjson" --quiet >"$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$server_port/api/v1/openapi.json" &&
    curl -s -o /dev/null "http://127.0.0.1:$proxy_port/api/v1/openapi.json" && break
  sleep 0.2
done
total=$((ROUNDS * 4 * ORDERS_PER_ROUND))
echo "seeding $total orders (capture-order seed) ..."
"$BIN/capture-order" seed --database "$db" --json --orders "$total" --items 1 >"$work/fixtures.json"
"$BIN/python" - "$work" "$ORDERS_PER_ROUND" <<'PY'
import json, sys
work, per = sys.argv[1], int(sys.argv[2])
fixtures = json.load(open(f"{work}/fixtures.json"))
numbers = [o["number"] for o in fixtures["orders"]]
open(f"{work}/token", "w").write(fixtures["token"])
for i in range(len(numbers) // per):
    open(f"{work}/orders-{i}", "w").write("\n".join(numbers[i * per:(i + 1) * per]) + "\n")
PY
token=$(cat "$work/token")
round=0
declare -A p50s
for pair in $(seq "$ROUNDS"); do
  for load in saturated paced; do
    pause=0; [ "$load" = paced ] && pause=$PAUSE_MS
    for mode in direct proxied; do
      if [ "$mode" = direct ]; then url="http://127.0.0.1:$server_port/api/v1/capture-order/"
      else url="http://127.0.0.1:$proxy_port/api/v1/capture-order/"; fi
      line=$(wrk -t2 -c16 -d"${SECONDS_PER_ROUND}s" --latency -s tools/bench-proxy.lua "$url" \
        -- "$work/orders-$round" "$token" "$pause" | grep RESULT)
      round=$((round + 1))
      p50=$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")
      echo "round $pair $load $mode: $line"
      p50s[$load-$mode]="${p50s[$load-$mode]:-} $p50"
    done
  done
done
for load in saturated paced; do
  "$BIN/python" - "$load" "${p50s[$load-direct]}" "${p50s[$load-proxied]}" <<'PY'
import statistics, sys
load = sys.argv[1]
d = [float(x) for x in sys.argv[2].split()]
p = [float(x) for x in sys.argv[3].split()]
md, mp = statistics.median(d), statistics.median(p)
print(f"{load}: p50 direct (median of {len(d)} rounds) {md:.2f} ms; through the proxy "
      f"{mp:.2f} ms; ratio {mp / md:.2f} (target <= 1.2)")
PY
done
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true  # SIGTERM: the record is complete
echo "exchanges recorded by the proxy: $(wc -l <"$work/record.ndjson")"
# Real traffic, every 200 a different order: judged afresh as `conformance --traffic` does.
start=$(date +%s.%N)
"$BIN/capture-order" conformance --traffic "$work/record.ndjson" --report-dir "$work/report" >/dev/null || true
"$BIN/python" - "$work/report/report.json" "$start" <<'PY'
import json, sys, time
traffic = json.load(open(sys.argv[1]))["traffic"]
wall = time.time() - float(sys.argv[2])
print(f"the record judged afresh: {traffic['judged']} exchanges in {wall:.1f} s wall "
      f"({traffic['judged'] / wall:,.0f}/s; the judge's own count {traffic['per_second']}/s)")
PY

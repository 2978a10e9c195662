#!/usr/bin/env bash
# `make conformance`: a reference server on a fresh SQLite file, fixtures seeded into it,
# and the suite run against it over loopback HTTP. Extra arguments go to the suite.
set -euo pipefail
bin=${BIN:-.venv/bin}
work=var/conformance
reports=${REPORT_DIR:-build/conformance}
rm -rf "$work" && mkdir -p "$work" "$reports"
database="sqlite:///$work/reference.sqlite3"
port=$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base_url="http://127.0.0.1:$port"

"$bin/capture-order" serve --database "$database" --port "$port" --log-level warning \
    >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 100); do
    if "$bin/python" -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $port)))"; then
        break
    fi
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 2; }
    sleep 0.1
done

"$bin/capture-order" seed --database "$database" --base-url "$base_url" \
    --orders 20 --items 3 --json >"$work/fixtures.json"
echo "reference server on $base_url (log: $work/server.log), fixtures: $work/fixtures.json"
"$bin/capture-order" conformance --fixtures "$work/fixtures.json" --report-dir "$reports" "$@"

# Every target bootstraps .venv itself; `.ci/run` calls these same targets.
# Another interpreter: `make test PYTHON=python3.13` (its venv is then .venv-3.13, unless VENV=
# says otherwise); tools/newest-python.sh finds the newest this machine has.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
$(if $(PYVER),,$(error PYTHON=$(PYTHON) does not run))
VENV ?= $(if $(filter command line,$(origin PYTHON)),.venv-$(PYVER),.venv)
BIN := $(VENV)/bin
# One lock for every tested Python; a version that needs pins of its own gets
# constraints-X.Y.txt, which is then used for it instead.
CONSTRAINTS := $(firstword $(wildcard constraints-$(PYVER).txt) constraints.txt)
# Every extra, so that the lock pins whatever any install of the project takes.
EXTRAS := server,postgres,proxy,dev,bench
STAMP := $(VENV)/.installed
# The project's bytecode, written ahead: where PYTHONDONTWRITEBYTECODE is set (this machine
# kind) every process would compile our modules from source again (0.2 s a start).
COMPILE := $(BIN)/python -m compileall -q -j0 capture_order bench
# Pinned npm tools (Spectral, Redocly CLI) live under the project, installed from the lock.
NPM ?= $(shell command -v npm)
NPM_TOOLS := .npm-tools
NPM_STAMP := $(NPM_TOOLS)/.installed
NPM_LOCK := tools/npm/package.json tools/npm/package-lock.json
DOCS := build/docs/capture-order.html
DEMO_DB := var/demo.sqlite3
SANDBOX_DB := var/sandbox.sqlite3

.PHONY: install npm-tools test check lint docs serve sandbox conformance

# Everything, at the exact versions of constraints.txt (pyproject.toml declares ranges).
$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = $(PYVER) \
	  || { echo "$(VENV) is not a Python $(PYVER) venv: remove it, or pass VENV=.venv-$(PYVER)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[server,postgres,proxy,dev]'
	$(COMPILE)
	touch $(STAMP)

# --ignore-scripts: none of the pinned tools needs an install script, and one
# transitive dependency's postinstall only reports usage over the network.
$(NPM_STAMP): $(NPM_LOCK)
	@test -n "$(NPM)" || { echo "npm not found: Spectral and Redocly CLI need Node.js and npm"; exit 1; }
	mkdir -p $(NPM_TOOLS)
	cp $(NPM_LOCK) $(NPM_TOOLS)/
	cd $(NPM_TOOLS) && $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

install: $(STAMP)

# constraints.txt anew from the current ranges: the newest versions they admit, resolved on
# PYTHON (the oldest supported), then completed on each of CONSTRAINTS_ALSO (default: the newest
# Python here) with the pins of what only that version installs (libcst's PyYAML-ft on 3.13),
# resolved under the first set. A version that cannot take the first set fails here: give it
# a constraints-X.Y.txt of its own.
CONSTRAINTS_ALSO ?= $(shell tools/newest-python.sh)
.PHONY: constraints
constraints:
	rm -rf build/constraints && mkdir -p build/constraints
	set -e; for python in $(PYTHON) $(CONSTRAINTS_ALSO); do \
	  rm -rf build/constraints/venv && $$python -m venv build/constraints/venv; \
	  build/constraints/venv/bin/python -m pip install --quiet --upgrade pip==26.3; \
	  build/constraints/venv/bin/python -m pip install --quiet \
	    $$(test -s build/constraints/pins.txt && echo -c build/constraints/pins.txt) '.[$(EXTRAS)]'; \
	  build/constraints/venv/bin/python -m pip freeze --exclude capture-order >> build/constraints/pins.txt; \
	done
	{ echo "# Exact versions for CI and the Makefile, every tested Python (make constraints writes this file)."; \
	  LC_ALL=C sort -f -u build/constraints/pins.txt; } > constraints.txt

# Without npm the lint skips Spectral visibly (and fails when CAPTURE_ORDER_REQUIRE_SPECTRAL=1).
npm-tools: $(if $(NPM),$(NPM_STAMP))

# Two processes, a test file each at a time (a module's servers and fixtures stay in one).
# The npm tools too, where npm is: the lint tests run Spectral when it is installed.
# TEST_ARGS selects (CI's newest-Python run: TEST_ARGS='-m "not slow"').
TEST_ARGS ?=
test: $(STAMP) npm-tools
	$(BIN)/pytest -n 2 --dist loadfile $(TEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

lint: $(STAMP) npm-tools
	$(BIN)/capture-order lint

# `make docs BASE=main` adds a "Changes since main" section (capture-order diff).
docs: $(STAMP) $(NPM_STAMP)
	$(BIN)/capture-order docs --out $(DOCS) $(if $(BASE),--changes-since $(BASE))

# The contract's change since BASE (a git revision), working tree included; exit 1 if breaking.
BASE ?=
.PHONY: review review-release diff-compare
review: $(STAMP)
	$(BIN)/capture-order diff $(or $(BASE),main) --against-working-tree

# The contract against the last release (a v* tag, else the last version bump in pyproject.toml):
# exit 1 when breaking changes since then come without a new major info.version. CI runs it.
review-release: $(STAMP)
	BIN=$(BIN) tools/review-release.sh

# The labelled corpus through capture-order diff and Redocly diff: docs/diff-comparison.md.
diff-compare: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m tests.diff.compare_redocly

# Where `make serve` and `make sandbox` listen: make serve PORT=9000 HOST=0.0.0.0. Set on the
# command line only: shells and platforms export HOST and PORT for their own purposes.
HOST := 127.0.0.1
PORT := 8000
LISTEN = --host $(HOST) --port $(PORT)
# The demo data lasts from one start to the next; `make serve RESET=1` starts on a fresh
# database, where the demo data is again what the README's examples name (pks from 1).
RESET :=
serve: $(STAMP)
	mkdir -p $(dir $(DEMO_DB))
	$(if $(RESET),rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).writer)
	$(BIN)/capture-order serve --demo $(LISTEN) --database sqlite:///$(DEMO_DB)

# The server with the sandbox's control API (README "The sandbox"), on a fresh database each
# time: the demo data is the seeded state a reset returns to. Prints the admin token and curls.
sandbox: $(STAMP)
	mkdir -p $(dir $(SANDBOX_DB))
	rm -f $(SANDBOX_DB) $(SANDBOX_DB)-wal $(SANDBOX_DB)-shm $(SANDBOX_DB).writer
	$(BIN)/capture-order serve --sandbox $(LISTEN) --database sqlite:///$(SANDBOX_DB)

# A reference server on a fresh SQLite file, seeded, and the suite run against it.
conformance: $(STAMP)
	BIN=$(BIN) tools/run-conformance.sh

# Benchmarks, not tests: every configuration under wrk, side by side (BENCH_ARGS=--quick for a
# smoke run), then the conformance suite against a local server. Figures: build/bench/.
.PHONY: bench
# wrk comes from Debian's packages; the target installs it only when asked (INSTALL_WRK=1).
INSTALL_WRK ?=
bench: $(STAMP)
	@command -v wrk >/dev/null || { \
	  if [ -n "$(INSTALL_WRK)" ]; then apt-get install -y wrk; else \
	    echo "make bench: wrk is not installed. Install it with:"; \
	    echo "    apt-get install -y wrk"; \
	    echo "or let this target do it: make bench INSTALL_WRK=1"; exit 1; fi; }
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[server,postgres,dev,bench]'
	$(COMPILE)
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.suite

# Mutants of the domain core and the handler, each killed (or not) by the conformance suite
# run against the mutated server; several minutes. Score, survivors: build/mutation/summary.json.
.PHONY: mutation
mutation: $(STAMP)
	$(BIN)/python -m tests.mutation.run --fail-under 80

# Traffic recorded through the fault matrix's proxy for every one of its faults, judged from the
# files (make test runs one fault of each family); several minutes.
.PHONY: traffic-faults
traffic-faults: $(STAMP)
	TRAFFIC_FAULTS=all $(BIN)/pytest tests/traffic/test_fault_traffic.py

# Benchmarks print their figures and assert nothing: judging a 200 MB NDJSON file (exchanges/s,
# peak RSS) and the proxy's p50 overhead on real captures (wrk, 16 connections).
.PHONY: bench-traffic bench-proxy
bench-traffic: $(STAMP)
	$(COMPILE)
	$(BIN)/python -m tests.traffic.bench 200

bench-proxy: $(STAMP)
	$(COMPILE)
	BIN=$(BIN) tools/bench-proxy.sh

# CX Cockpit: two commands on a fresh clone.
#   make run   - venv, pinned packages, demo store on first run, app in demo mode on http://localhost:8501
#   make test  - system packages tests need (chromium, postgresql), lint, architecture, pytest
#   make bench - the benchmark (not part of make test)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint check-architecture system-deps demo bench fuzz load cluster clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt $(VENV)/.run-deps
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

data/kpi.duckdb: | $(VENV)/.run-deps
	$(BIN)/python -m kpi init --demo

# Demo mode (no sign-in, "view as") is asked for here, for the demo store only: without a
# KPI_AUTH_MODE the app is closed (see README, Sign-in).
run: $(VENV)/.run-deps data/kpi.duckdb
	KPI_AUTH_MODE=demo $(BIN)/python -m kpi.ui.launch --server.port $(PORT)

demo: $(VENV)/.run-deps
	$(BIN)/python -m kpi init --demo

# Debian packages the tests use: a real browser, a real PostgreSQL server and a real proxy.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }
	@command -v soffice >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-impress; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; }
	@command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy; }

lint: $(VENV)/.dev-deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

check-architecture: $(VENV)/.dev-deps
	$(BIN)/lint-imports

# The run starts many Python processes (two workers, `python -m kpi`, Streamlit servers): with
# PYTHONDONTWRITEBYTECODE cleared each reads the compiled modules and rewritten tests the first
# one left in __pycache__, where the environment says not to write them (this machine's does,
# and every process compiled kpi, Streamlit's pages and the tests afresh).
test: system-deps lint check-architecture
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n 2 --dist loadgroup --durations=25

bench: $(VENV)/.dev-deps
	$(BIN)/python benchmarks/run.py

# 10,000 fuzzed files, unattended: misbehaving files are counted and kept in fuzz-failures/, the
# tally is in fuzz.json after every file (a progress line every 100), and a stopped run goes on
# from fuzz.json when started again (remove it to start afresh).
fuzz: $(VENV)/.dev-deps
	FUZZ_EXAMPLES=10000 FUZZ_REPORT=fuzz.json FUZZ_KEEP_GOING=1 FUZZ_RESUME=1 FUZZ_FAILURES=fuzz-failures \
		$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_fuzz_cli.py
	cat fuzz.json

# make load ARGS="--processes 2 --sessions 50": through HAProxy to two processes on PostgreSQL
load: $(VENV)/.dev-deps system-deps
	$(BIN)/python tools/load.py $(ARGS)

# Two app processes on a throw-away PostgreSQL with the demo, behind HAProxy on http://127.0.0.1:8600
cluster: $(VENV)/.dev-deps system-deps
	$(BIN)/python tools/cluster.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache screenshots

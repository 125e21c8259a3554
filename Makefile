# Two commands set everything up on a fresh machine:
#   make run    venv + install + index + UI on http://127.0.0.1:7860
#   make test   venv + install + Chromium (apt-get, as root) + ruff + the whole test suite (browser tests included)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 7860
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test test-fast test-engine pg index lint install browser bench eval clean help

help:
	@echo "make run    install, build the index and serve the UI on http://$(HOST):$(PORT)"
	@echo "make test   install (Chromium too: apt-get as root), lint and run all tests"
	@echo "make test-fast  model-free unit tests only (seconds; no model, no browser)"
	@echo "make index  update the index from corpus/"
	@echo "make bench  run qa bench (performance figures)"
	@echo "make pg     a throw-away PostgreSQL + pgvector server on 127.0.0.1 (prints QA_BACKEND_URL)"
	@echo "make test-engine  the search-server tests only (a real server on 127.0.0.1)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch pinned first: the CPU wheel; an unpinned torch would pull gigabytes of CUDA
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[test,bench,postgres]"
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium at /usr/bin/chromium for the browser tests: installed with apt-get when running as
# root, otherwise one line says the command to run (and make stops). CHROMIUM=PATH checks another path.
browser:
	@scripts/ensure-browser.sh

index: $(STAMP)
	$(BIN)/qa index

run: index
	$(BIN)/qa serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check qa ui tests

test: browser $(STAMP) lint
	$(BIN)/python -m pytest -q -ra

# The fast tier: pure logic on toy data with a fake encoder. QA_MODEL points nowhere, so a test that
# reached for the real model would fail here instead of silently making the tier slow.
test-fast: $(STAMP)
	QA_MODEL=/nonexistent/no-model-in-the-fast-tier $(BIN)/python -m pytest -q -m fast -p no:randomly

# The engine tests start their own server (tests/engine/conftest.py); as root it runs as `nobody`.
test-engine: $(STAMP)
	$(BIN)/python -m pytest -q -ra tests/engine

# A server for trying `qa index --backend URL` / QA_BACKEND_URL by hand; Ctrl-C stops it and deletes its data.
pg: $(STAMP)
	$(BIN)/python -m qa.tools.pgserver

bench: $(STAMP)
	$(BIN)/qa bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
	find index -mindepth 1 ! -name README.md -exec rm -rf {} +

# Two commands: `make run` and `make test`. Both bootstrap their own virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean peers browser

# The guard is compiled at install (setup.py, mypyc): a changed guard source rebuilds it.
$(STAMP): pyproject.toml setup.py $(wildcard src/bedside/guard/*.py)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# The dashboard at http://127.0.0.1:8000 on the embedded default (SQLite, worker in-process).
run: $(STAMP)
	$(BIN)/bedside serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# The real Bluesky servers the Bluesky tests run against (npm packages pinned by
# tests/peers/bluesky/package-lock.json, Node 22 included), in the ignored .peers/; a second run
# does nothing while the lockfile is unchanged.
peers:
	bash tests/peers/bluesky/install.sh

# Debian's chromium for the end-to-end tests (tests/e2e/, Playwright drives /usr/bin/chromium);
# nothing to do when it is already there.
browser:
	bash scripts/ensure-browser.sh

test: lint peers browser
	bash scripts/ensure-services.sh
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/guard_quality.py
	$(BIN)/python bench/guard_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .peers

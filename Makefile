# Two commands: `make run` and `make test`. Both bootstrap their own virtual environment.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bedside check --practice examples/practice.toml --network x "$$(cat examples/post.txt)" || true

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint
	bash scripts/ensure-services.sh
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/guard_quality.py
	$(BIN)/python bench/guard_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Quick start: `make run` opens Rolodex (sample data on first run), `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@$(BIN)/rolodex demo --if-empty
	@$(BIN)/rolodex

test: $(STAMP)
	$(BIN)/python -m pytest -n auto -q

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/imports.py

lint: $(STAMP)
	$(BIN)/ruff check rolodex tests bench
	$(BIN)/ruff format --check rolodex tests bench

format: $(STAMP)
	$(BIN)/ruff format rolodex tests bench
	$(BIN)/ruff check --fix rolodex tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

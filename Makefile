# KAM — developer entry points (GNU make). Needs only python3 >= 3.11, node/npm and make; the rest is
# installed into the repository (uv into var/tools if it is not on PATH, Python packages into .venv, buf
# into protos/node_modules). Nothing outside the repository is touched.
#
#   make run         install, generate code, start NATS + every service + gateway; Ctrl-C stops all
#   make test        everything .ci/run checks: lint, proto lint/breaking, generated-code freshness, every test tier
#   make test-unit   the unit tier only (tests/unit/ folders: no database, broker or network; seconds)
#   make test-fast   the unit and service tiers on every core (-m "not e2e" -n auto; a few minutes)
#   make console     build the web console (gateway/console → kam_gateway/console/dist) if its sources changed
#   make bench       run every tests/bench/bench_*.py script (plain scripts that print their figures)
#   make lint        ruff check, ruff format --check, import-linter (layers, boundaries), mypy
#   make protos      regenerate protos/gen/python from protos/kam/**.proto
#   make manifests   regenerate deploy/k8s from kam_kit.registry (deploy/k8s/generate.py)
#   make clean       remove runtime data (var/) and caches; `make distclean` also the venv and node_modules

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

export UV_PYTHON_DOWNLOADS := never
PYTHON3 ?= python3
TOOLS := var/tools
# uv from PATH when present, otherwise our own copy (installed by the rule below).
ifndef UV
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/$(TOOLS)/bin/uv)
endif
UV_SYNC_FLAGS := --all-packages $(if $(wildcard uv.lock),--frozen,)
RUN := $(UV) run --no-sync
PYTEST_ARGS ?=
# workers for the unit and service tiers (pytest-xdist); each worker starts its own NATS server
PYTEST_WORKERS ?= auto

.PHONY: help venv install protos manifests lint-protos check-generated run test test-unit test-fast test-console bench lint console clean distclean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

$(CURDIR)/$(TOOLS)/bin/uv:
	@echo "uv not found on PATH: installing it into $(TOOLS)"
	@# -qq: only errors — a machine's pip configuration may name extra indexes without uv, and pip warns about each
	@if $(PYTHON3) -m venv $(TOOLS) 2>/dev/null && $(TOOLS)/bin/python -m pip install -qq --disable-pip-version-check uv; then \
	  true; \
	else \
	  echo "python3 -m venv/pip unavailable; using the official uv installer"; \
	  mkdir -p $(TOOLS)/bin; \
	  curl -LsSf https://astral.sh/uv/install.sh | env UV_INSTALL_DIR=$(CURDIR)/$(TOOLS)/bin UV_NO_MODIFY_PATH=1 sh; \
	fi
	@test -x $@

venv install: $(UV) protos/node_modules/.package-lock.json
	$(UV) sync $(UV_SYNC_FLAGS)

# --ignore-scripts: @bufbuild/buf's postinstall only swaps its launcher for the binary; the launcher finds the binary
# itself, and npm ≥ 11 would otherwise warn that the script is not in an allowScripts list (and skip it anyway)
protos/node_modules/.package-lock.json: protos/package.json $(wildcard protos/package-lock.json)
	npm ci --prefix protos --no-audit --no-fund --ignore-scripts

# the web console: npm ci from the committed lockfile, then Vite's build when a source changed (nothing is fetched
# at run time; the gateway serves the built files)
CONSOLE := gateway/console
CONSOLE_BUILD := gateway/src/kam_gateway/console/dist/index.html
CONSOLE_SOURCES := $(shell find $(CONSOLE)/src $(CONSOLE)/public -type f 2>/dev/null) \
  $(wildcard $(CONSOLE)/index.html $(CONSOLE)/vite.config.ts $(CONSOLE)/tsconfig.json)

$(CONSOLE)/node_modules/.package-lock.json: $(CONSOLE)/package.json $(CONSOLE)/package-lock.json
	npm ci --prefix $(CONSOLE) --no-audit --no-fund

$(CONSOLE_BUILD): $(CONSOLE)/node_modules/.package-lock.json $(CONSOLE_SOURCES)
	npm --prefix $(CONSOLE) run build --silent

console: $(CONSOLE_BUILD)

# the console's unit and component tests (Vitest)
test-console: $(CONSOLE)/node_modules/.package-lock.json
	npm --prefix $(CONSOLE) test --silent

protos: install
	$(RUN) python protos/generate.py

manifests: install
	$(RUN) python deploy/k8s/generate.py

lint-protos: install
	PYTHON=$(CURDIR)/.venv/bin/python protos/check.sh

check-generated: install $(CONSOLE)/node_modules/.package-lock.json
	$(RUN) python protos/generate.py --check
	$(RUN) python $(CONSOLE)/generate_api.py --check
	$(RUN) python deploy/k8s/generate.py --check

run: protos console
	$(RUN) python deploy/local/run.py

# the unit and service tiers in parallel, then the end-to-end tier (its tests start every process and share ports
# and the machine's two cores, so they run one at a time)
test: install lint lint-protos check-generated console test-console
	$(RUN) pytest -m "not e2e" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	$(RUN) pytest -m e2e $(PYTEST_ARGS)

test-unit: install
	$(RUN) pytest -m unit $(PYTEST_ARGS)

test-fast: install
	$(RUN) pytest -m "not e2e" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install
	@shopt -s nullglob; scripts=(tests/bench/bench_*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no benchmarks in tests/bench"; exit 1; fi; \
	for script in "$${scripts[@]}"; do echo "== $$script"; $(RUN) python "$$script"; done

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports --no-cache
	$(RUN) mypy

clean:
	rm -rf var/nats var/*.db var/*.db-* var/logs .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -not -path './.venv/*' -not -path '*/node_modules/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf var .venv protos/node_modules $(CONSOLE)/node_modules $(dir $(CONSOLE_BUILD))

# salesaudit — `make help` lists the targets. Everything runs from a local virtualenv (.venv).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Debian packages WeasyPrint (PDF) needs, the report font with Cyrillic, and pdftotext for the tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils

.DEFAULT_GOAL := help
.PHONY: help setup system-deps demo test test-fast lint format bench browser-check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

system-deps: ## install the Debian packages the PDF and the tests need (when missing; root only)
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install these system packages:$$missing"; exit 1; fi; \
	fi

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[test]"
	@touch $(STAMP)

setup: system-deps $(STAMP) ## create .venv with salesaudit and its test tools
	@# bytecode for our own modules too (pip compiled the dependencies): with PYTHONDONTWRITEBYTECODE
	@# set, every process of a run would otherwise compile the package from source again
	@$(PY) -m compileall -q salesaudit

demo: setup ## generate the demo client and run the whole playbook on it
	$(VENV)/bin/salesaudit demo

test: setup ## run the test suite (unit, notebooks, end to end)
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup

test-fast: setup ## the unit tests only
	$(VENV)/bin/pytest -q -m "not slow"

lint: setup ## ruff lint and format check
	$(VENV)/bin/ruff check salesaudit tests benchmarks
	$(VENV)/bin/ruff format --check salesaudit tests benchmarks

format: setup ## format the code with ruff
	$(VENV)/bin/ruff format salesaudit tests benchmarks
	$(VENV)/bin/ruff check --fix salesaudit tests benchmarks

bench: setup ## run the benchmarks (not part of the tests)
	$(VENV)/bin/python benchmarks/run_all.py

browser-check: setup ## headless Chromium opens a report with hostile brand and text: no script runs (RUN=run folder, else a fresh demo)
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing: chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "please install the system package: chromium"; exit 1; fi; }
	$(PY) scripts/browser_check.py $(RUN)

clean: ## remove the virtualenv, caches and the demo folder
	rm -rf $(VENV) demo .pytest_cache .ruff_cache

# salesaudit — `make help` lists the targets. Everything runs from a local virtualenv (.venv).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# what `make setup` installs from the lock: the tests' tools and JupyterLab beside the package
# (scripts/environment.py gives conda users the same; tests/test_dependencies.py checks they agree)
EXTRAS := test,lab
# Debian packages WeasyPrint (PDF) needs, the report font with Cyrillic, and pdftotext for the tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils

.DEFAULT_GOAL := help
.PHONY: help setup system-deps demo test test-fast lint format bench browser-check lab lab-check clean lock environment.yml

help: ## list the targets
	@grep -E '^[a-z.-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

system-deps: ## install the Debian packages the PDF and the tests need (when missing; root only)
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install these system packages:$$missing"; exit 1; fi; \
	fi

# pip re-prints its build backend's warnings: setuptools' notice about editable installs is not for users
$(STAMP) lock: export PYTHONWARNINGS = ignore:Editable installation
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[$(EXTRAS)]"
	@touch $(STAMP)

setup: system-deps $(STAMP) ## create .venv with salesaudit, JupyterLab and the test tools, pinned by requirements.lock
	@# bytecode for our own modules too (pip compiled the dependencies): with PYTHONDONTWRITEBYTECODE
	@# set, every process of a run would otherwise compile the package from source again
	@$(PY) -m compileall -q salesaudit

demo: setup ## generate the demo client and run the whole playbook on it
	$(VENV)/bin/salesaudit demo

test: setup ## run the test suite (unit, notebooks, end to end; a line per test file as it ends)
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup --durations=10

test-fast: setup ## the unit tests only
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup -m "not slow"

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

# kernels over IPC sockets (no unencrypted TCP, so no ipykernel warning about it), the shipped notebooks
# trusted, no websocket keep-alive pings (local only; jupyter_server's ms and tornado's seconds disagree and
# tornado warns on every kernel connection): the terminal shows the URL and nothing else
lab: setup ## JupyterLab on notebooks/ with the demo engagement ready (`salesaudit demo` first if missing); prints the URL
	@test -f "$${SALESAUDIT_DEMO_DIR:-demo}/engagement.yaml" || $(VENV)/bin/salesaudit demo
	@$(VENV)/bin/jupyter trust notebooks/*.ipynb >/dev/null
	$(VENV)/bin/jupyter lab --no-browser --ServerApp.root_dir=. --KernelManager.transport=ipc \
	  --ServerApp.log_level=WARN --LabApp.log_level=WARN '--ServerApp.tornado_settings={"ws_ping_interval": 0}' \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root)

lab-check: setup ## headless Chromium runs notebooks/02_clients.ipynb in JupyterLab on the demo: no error output, a screenshot
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing: chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "please install the system package: chromium"; exit 1; fi; }
	$(PY) scripts/lab_check.py $(NOTEBOOK)

# `make lock LOCK_FROM=` re-resolves everything to the newest versions pyproject.toml allows
LOCK_FROM ?= -c requirements.lock
lock: ## regenerate requirements.lock in a scratch venv (pinned versions kept), then environment.yml
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/python" -m pip install -q --upgrade pip && \
	"$$tmp/venv/bin/python" -m pip install -q $(LOCK_FROM) -e ".[$(EXTRAS)]" && \
	{ echo "# Every package \`make setup\` installs (salesaudit[$(EXTRAS)]), pinned; salesaudit itself is not listed."; \
	  echo "# Regenerate with \`make lock\` (keeps these versions where pyproject.toml allows them; \`make lock"; \
	  echo "# LOCK_FROM=\` takes the newest): it rewrites environment.yml from these pins too."; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable; } > "$$tmp/lock" && \
	mv "$$tmp/lock" requirements.lock
	$(MAKE) --no-print-directory environment.yml

environment.yml: ## write environment.yml (conda) from pyproject.toml and requirements.lock
	$(PYTHON) scripts/environment.py

clean: ## remove the virtualenv, caches and the demo folder
	rm -rf $(VENV) demo .pytest_cache .ruff_cache

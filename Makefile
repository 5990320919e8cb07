# Two commands: `make run` and `make test`. Everything else is a helper for those; `make check`
# is the quick loop while working (under a minute).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# uv comes from PyPI, pinned with hashes (requirements-bootstrap.txt), into its own folder; it
# then installs everything else into .venv from uv.lock, exactly as locked. --locked refuses a
# lock that no longer matches pyproject.toml: run `make lock` after editing the dependencies.
UV_HOME := .uv
export UV := $(abspath $(UV_HOME))/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
# Bytecode is compiled at install, as pip does, so first imports are fast and quiet.
SYNC := $(UV) sync --locked --quiet --compile-bytecode

# uv sync runs only when .venv is older than what it is made from: uv.lock, pyproject.toml and
# the interpreter. A stamp in .venv, per set of extras and interpreter, records each sync (so
# deleting .venv syncs again); a sync for another interpreter drops the other interpreters'
# stamps, as uv rebuilds .venv for it. `make run` syncs inexactly, keeping the dev tools a
# `make test` installed, so the two commands never undo each other's work.
PYTHON_TAG := $(subst /,-,$(realpath $(PYTHON)))
RUN_ENV := $(VENV)/.synced-run$(PYTHON_TAG)
TEST_ENV := $(VENV)/.synced-test$(PYTHON_TAG)
ENV_SOURCES := uv.lock pyproject.toml $(realpath $(PYTHON))

.PHONY: run test check lock clean package chromium

$(UV): requirements-bootstrap.txt
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --require-hashes --no-deps \
		-r requirements-bootstrap.txt
	touch $@

run: $(RUN_ENV)
	$(BIN)/nocontact run --port $(PORT)

$(RUN_ENV): $(ENV_SOURCES) | $(UV)
	$(call synced,--inexact --extra audio --extra web)

$(TEST_ENV): $(ENV_SOURCES) | $(UV)
	$(call synced,--extra dev)

define synced
	find $(VENV) -maxdepth 1 -name '.synced-*' ! -name '*$(PYTHON_TAG)' -delete 2>/dev/null || true
	$(SYNC) $(1)
	touch $@
endef

# The import contracts and ruff (pyproject.toml) first, then every test, one pytest-xdist worker
# per core, with branch coverage and the slowest tests listed (CONTRIBUTING.md keeps the table).
# The browser tests drive Debian's Chromium; it is installed (apt, as root or with sudo) when
# missing. pytest exits 5 when it collects no tests; make treats that as a failure, as it should.
test: $(TEST_ENV) | chromium
	$(BIN)/lint-imports
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest -n auto --cov --cov-report=term:skip-covered --durations=30

# The same checks and every test but the slow and browser ones (real synthesis and recognition,
# server processes, Chromium): the loop while working. `make test` still runs them all.
check: $(TEST_ENV)
	$(BIN)/lint-imports
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest -n auto -m "not slow and not browser"

# Resolve uv.lock again after a change to pyproject.toml's dependencies; versions already locked
# stay unless pyproject.toml rules them out (`make lock UPGRADE=1` takes the newest allowed).
lock: | $(UV)
	$(UV) lock $(if $(UPGRADE),--upgrade)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		echo "Installing Debian's chromium for the browser tests"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; }

# The skill's AWS Lambda bundle, dist/lambda.zip: skill/runtime/ and its dependencies as locked.
# Prints its size, fails past 10 MB zipped.
package: | $(UV)
	$(PYTHON) -m scripts.package_lambda

clean:
	rm -rf $(VENV) $(UV_HOME) build dist .pytest_cache

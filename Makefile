# Two commands: `make run` and `make test`. Everything else is a helper for those.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test clean package chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[audio,web]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/nocontact run --port $(PORT)

# The browser tests drive Debian's Chromium; it is installed (apt, as root or with sudo) when
# missing. pytest exits 5 when it collects no tests; make treats that as a failure, as it should.
test: $(VENV)/.dev-installed chromium
	$(BIN)/python -m pytest

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		echo "Installing Debian's chromium for the browser tests"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; }

# The skill's AWS Lambda bundle, dist/lambda.zip: prints its size, fails past 10 MB zipped.
package: | $(BIN)/python
	$(BIN)/python -m scripts.package_lambda

clean:
	rm -rf $(VENV) build dist .pytest_cache

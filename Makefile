# Two commands: `make run` and `make test`. Everything else is a helper for those.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test clean package

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

# pytest exits 5 when it collects no tests; make treats that as a failure, as it should.
test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

# The skill's AWS Lambda bundle, dist/lambda.zip: prints its size, fails past 10 MB zipped.
package: $(VENV)/.dev-installed
	$(BIN)/python -m scripts.package_lambda

clean:
	rm -rf $(VENV) build dist .pytest_cache

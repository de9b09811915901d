# Two entry points for a fresh machine with only Python 3 and pip:
#   make demo   sets everything up and runs the main job on bundled data
#   make test   sets everything up and runs the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check cwpattern simulator tests benchmarks

# The seed scenario: AWS Config's service-linked role is denied on a bucket for 20
# minutes in a synthetic two-account trail (S3 layout); replay it through AWS's filter
# and an alarm on Sum >= 1 over 5 minutes.
demo: $(STAMP)
	$(BIN)/cwpattern replay --config fixtures/replay/seed.yaml \
		fixtures/synth/config-slr-access-denied/trail

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

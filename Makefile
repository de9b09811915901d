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

SEED_PATTERN := { $$.eventName = Get* && $$.errorCode = AccessDenied && $$.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::*:role/aws-service-role/*" }

demo: $(STAMP)
	$(BIN)/cwpattern test-metric-filter --filter-pattern '$(SEED_PATTERN)' \
		--log-event-messages file://fixtures/demo/seed-events.jsonl

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

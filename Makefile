# The two commands a newcomer needs are `make run` and `make test`; both install first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project definition changed, so a warm `make run` is fast.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/twoway demo

test: install
	$(VENV)/bin/pytest -q

# Prints every performance figure side by side and keeps them in bench.json (see docs/performance.md).
bench: install
	$(VENV)/bin/twoway bench --json bench.json

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .twoway .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

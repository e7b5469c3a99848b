# The two commands a newcomer needs are `make run` and `make test`; both install first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint lock bench clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Exactly the locked versions, each checked against its hash; then the project itself.
# Reinstall only when the project definition or the lock changed, so a warm `make run` is fast.
$(STAMP): pyproject.toml requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing a dependency in pyproject.toml: pin it and everything it needs (docs/dependencies.md).
lock: | $(VENV)/bin/python
	$(PY) -m pip install --quiet "uv>=0.9"
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 --quiet -o requirements.lock

install: $(STAMP)

run: install
	$(VENV)/bin/twoway demo

test: install
	$(VENV)/bin/pytest -q

# Prints every performance figure side by side and keeps them in bench.json (see docs/performance.md).
bench: install
	$(VENV)/bin/twoway bench --json bench.json

lint: install
	$(PY) scripts/check_lock.py
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .twoway .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

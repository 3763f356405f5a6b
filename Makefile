# Two commands a newcomer needs: `make demo` and `make test`.
# Each creates (or refreshes) a virtual environment in .venv and installs the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-engines lint bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m specc.demo

test: $(STAMP)
	$(BIN)/python -m pytest

# The engine tests: PostgreSQL from Debian's packages if it is missing, psycopg from PyPI; the
# tests start a throwaway server of their own (tests/engines/postgres_server.py).
ENGINES_STAMP := $(VENV)/.engines-installed

$(ENGINES_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,engines]'
	touch $(ENGINES_STAMP)

test-engines: $(ENGINES_STAMP)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }
	@command -v java >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }
	$(BIN)/python -m pytest -m engines tests/engines

lint: $(STAMP)
	$(BIN)/specc lint specs/*/*.aspec

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache

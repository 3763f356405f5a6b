# Two commands a newcomer needs: `make demo` and `make test`.
# Each creates (or refreshes) a virtual environment in .venv and installs the project into it:
# `make demo` only what specc needs to run, `make test` the test tools as well.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
STAMP   := $(VENV)/.installed

.PHONY: demo test test-engines lint bench fuzz clean venv

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): pyproject.toml $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(RUNTIME)
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

lint: $(RUNTIME)
	$(BIN)/specc lint specs/*/*.aspec

# BENCH_ARGS, e.g. `make bench BENCH_ARGS="--sizes 1M --rounds 5"`; pyarrow lets pandas read Parquet
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet pandas pyarrow krippendorff
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/consensus.py  # Dawid–Skene at 10M rows: specc consensus against crowd-kit

# 100,000 mutated specs through lint, fmt and compile, 1,000 mutated deliveries through check (~8 min)
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py

clean:
	rm -rf $(VENV) out .pytest_cache

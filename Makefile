# Two commands a newcomer needs: `make demo` and `make test`.
# Each creates (or refreshes) a virtual environment in .venv and installs the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean venv

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

lint: $(STAMP)
	$(BIN)/specc lint specs/*/*.aspec

# BENCH_ARGS, e.g. `make bench BENCH_ARGS="--sizes 1M --rounds 5"`; pyarrow lets pandas read Parquet
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet pandas pyarrow krippendorff
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out .pytest_cache

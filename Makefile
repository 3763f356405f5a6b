# Two commands a newcomer needs: `make demo` and `make test`.
# Each creates (or refreshes) a virtual environment in .venv and installs the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench fuzz clean venv

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

bench: $(STAMP)
	$(BIN)/python bench/run.py

# 100,000 mutated specs through lint, fmt and compile, 1,000 mutated deliveries through check (~25 min)
fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py

clean:
	rm -rf $(VENV) out .pytest_cache

"""Readers for labelling-tool exports, chosen with `--data TABLE=READER:PATH`.

Each reader turns an export into rows of one declared table inside DuckDB. The registry is
lazy: a reader's module is imported only when a binding names it. A reader is an object with
`relation(con, binding, table) -> (sql, parameters)`, where `sql` can follow `SELECT * FROM`
and yields the table's declared columns it can provide (by name) and nothing else — but,
when several files are bound, a `filename` column naming each row's file (kept for
quarantine, never treated as data). It runs
before file access is switched off, so it may read `binding.files` (with DuckDB, or in
Python where a format forces it) into a temporary table and return that table's name.
A malformed export raises `UsageError` naming the file, the record (index or id) and the field.
"""

from __future__ import annotations

import importlib


class _LazyReaders(dict):
    """name -> reader object, importing `specc.readers.MODULE` on first use."""

    MODULES = {
        "labelstudio": "specc.readers.labelstudio:READER",
        "doccano": "specc.readers.doccano:READER",
        "conll": "specc.readers.conll:READER",
        "preference": "specc.readers.preference_jsonl:READER",
        "ranking": "specc.readers.ranking_jsonl:READER",
    }

    def __contains__(self, name) -> bool:
        return name in self.MODULES

    def __iter__(self):
        return iter(self.MODULES)

    def __len__(self) -> int:
        return len(self.MODULES)

    def __getitem__(self, name):
        if name not in self.MODULES:
            raise KeyError(name)
        module_name, _, attribute = self.MODULES[name].partition(":")
        return getattr(importlib.import_module(module_name), attribute)


READERS = _LazyReaders()


def reference_markdown() -> str:
    """docs/readers.md: each reader's module docstring, which is where its columns are defined."""
    parts = ["# Readers for labelling-tool exports", "",
             "Bind a table to a tool's export with `--data TABLE=READER:PATH` or, in the spec, "
             "`source \"READER:PATH\"` (looked up inside the `--data` folder first). Each reader "
             "below says which columns a table may declare and where their values come from. "
             "This page is generated from the readers' own documentation "
             "(`SPECC_UPDATE_GOLDEN=1 make test` rewrites it).", ""]
    for name, target in _LazyReaders.MODULES.items():
        module = importlib.import_module(target.partition(":")[0])
        parts += [f"## `{name}`", "", (module.__doc__ or "").strip(), ""]
    return "\n".join(parts)

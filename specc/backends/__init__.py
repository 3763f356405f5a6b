"""The compile targets, by name: a lazy registry so `specc` starts without importing them all.

Adding a target means one module with a `Backend` subclass and one line in `BACKENDS`
("target name": "module:ClassName"); nothing else changes, the CLI lists it automatically.
"""

from __future__ import annotations

import importlib

from ..diagnostics import UsageError
from .base import Artifact, Backend, canonical_json, write_atomic

BACKENDS: dict[str, str] = {
    "jsonschema": "specc.backends.jsonschema:JsonSchemaBackend",
    "sql": "specc.backends.sql:SqlBackend",
    "docs": "specc.backends.docs:DocsBackend",
    "labelstudio": "specc.backends.labelstudio:LabelStudioBackend",
}

__all__ = ["BACKENDS", "Artifact", "Backend", "backend_names", "canonical_json", "get_backend", "write_atomic"]


def backend_names() -> list[str]:
    return sorted(BACKENDS)


def get_backend(name: str) -> Backend:
    """An instance of the named target; `UsageError` if no such target is registered."""
    if name not in BACKENDS:
        raise UsageError(f"unknown target `{name}` (targets: {', '.join(backend_names())})")
    module_name, _, class_name = BACKENDS[name].partition(":")
    backend_class = getattr(importlib.import_module(module_name), class_name)
    return backend_class()

"""Rendering diagnostics for people: `path:line:col: error[E104]: message`, snippet, hint."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostic
from .source import SourceFile


def source_for(path: str, sources: dict[str, SourceFile]) -> SourceFile | None:
    """The text a diagnostic points into: a parsed spec, or a YAML taxonomy read on demand."""
    if path in sources:
        return sources[path]
    try:
        return SourceFile.read(Path(path))
    except OSError:
        return None


def render_diagnostics(diagnostics: list[Diagnostic], sources: dict[str, SourceFile]) -> str:
    """Every diagnostic, its snippet and hint; control characters (a spec or a YAML file may
    hold them) shown escaped, tabs kept, so nothing in a source moves a terminal's cursor or
    starts a CI workflow command."""
    from .report.escape import log_text, terminal

    text = "\n\n".join(d.render(source_for(d.span.file, sources)) for d in diagnostics)
    return log_text("\n".join(terminal(line, keep="\t") for line in text.split("\n")))

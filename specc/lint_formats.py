"""`specc lint` output for machines: JSON, SARIF 2.1.0 for code scanning, GitHub annotations.

The text format is for people (`render.render_diagnostics`); these three carry the same
diagnostics to tools. SARIF is the OASIS interchange format that GitHub code scanning and
most review tools read; `tests/test_lint_cli.py` validates it against the official schema.
GitHub annotations are workflow commands (`::error file=…::message`) that put each
diagnostic on its line in a pull request's diff.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from . import __version__
from .diagnostics import Diagnostic
from .report.github import escape_data, escape_property

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
DOCS = "docs/errors.md"


def summary(files: int, errors: int, warnings: int) -> str:
    return (f"{files} file{'s' if files != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}")


def render_json(files, diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    return json.dumps({
        "files": [str(p) for p in files],
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "diagnostics": [d.to_dict() for d in diagnostics],
    }, indent=2)


# ---- SARIF ------------------------------------------------------------------------------------


def render_sarif(files, diagnostics: list[Diagnostic]) -> str:
    codes = sorted({d.code for d in diagnostics})
    run = {
        "tool": {"driver": {
            "name": "specc",
            "version": __version__,
            "rules": [_sarif_rule(code) for code in codes],
        }},
        "columnKind": "unicodeCodePoints",  # specc counts columns in characters, from 1
        "results": [_sarif_result(d, codes.index(d.code)) for d in diagnostics],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


def _sarif_rule(code: str) -> dict:
    level = "error" if code.startswith("E") else "warning"
    return {
        "id": code,
        "shortDescription": {"text": f"specc {level} {code}"},
        "help": {"text": f"{code} is explained, with a wrong and a right example, in specc's {DOCS}."},
        "defaultConfiguration": {"level": level},
    }


def _sarif_result(diagnostic: Diagnostic, rule_index: int) -> dict:
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": "error" if diagnostic.is_error else "warning",
        "message": {"text": _message(diagnostic)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": file_uri(diagnostic.span.file)},
            "region": _region(diagnostic.span),
        }}],
    }


def _region(span) -> dict:
    """SARIF's end column, like specc's, is the one just after the region."""
    region = {"startLine": max(span.line, 1), "startColumn": max(span.column, 1)}
    if span.end_line >= span.line and (span.end_line > span.line or span.end_column > span.column):
        region.update(endLine=span.end_line, endColumn=span.end_column)
    return region


def file_uri(path: str) -> str:
    """A relative path stays relative (code scanning resolves it against the checkout);
    an absolute one becomes a `file:` URI."""
    posix = PureWindowsPath(path).as_posix() if "\\" in path else path
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(posix)
    return quote(posix)


# ---- GitHub workflow commands -----------------------------------------------------------------


def render_github(files, diagnostics: list[Diagnostic]) -> str:
    lines = [_annotation(d) for d in diagnostics]
    errors = sum(1 for d in diagnostics if d.is_error)
    lines.append(summary(len(files), errors, len(diagnostics) - errors))
    return "\n".join(lines)


def _annotation(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    properties: list[tuple[str, object]] = [("file", span.file), ("line", span.line), ("col", span.column)]
    if span.end_line == span.line and span.end_column > span.column:
        # GitHub's endColumn is the last column itself, ours the one after it
        properties += [("endLine", span.end_line), ("endColumn", span.end_column - 1)]
    properties.append(("title", f"specc {diagnostic.code}"))
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    command = "error" if diagnostic.is_error else "warning"
    return f"::{command} {rendered}::{escape_data(_message(diagnostic))}"


def _message(diagnostic: Diagnostic) -> str:
    return diagnostic.message if not diagnostic.hint else f"{diagnostic.message}\nhint: {diagnostic.hint}"


RENDERERS = {"json": render_json, "sarif": render_sarif, "github": render_github}

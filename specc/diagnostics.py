"""Diagnostics are values: a stable code, a severity, a span, a message and a hint.

Every stage collects them and raises one `SpecError` at its boundary; only the CLI renders
them, so library callers can inspect codes and locations without parsing text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from .source import SourceFile, Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    span: Span
    message: str
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            **self.span.to_dict(),
        }

    def render(self, source: SourceFile | None = None) -> str:
        head = f"{self.span}: {self.severity.value}[{self.code}]: {self.message}"
        parts = [head]
        if source is not None:
            snippet = source.snippet(self.span)
            if snippet:
                parts.append(snippet)
        if self.hint:
            parts.append(f"     = hint: {self.hint}")
        return "\n".join(parts)


def error(code: str, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, span, message, hint)


def warning(code: str, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, span, message, hint)


@dataclass
class Diagnostics:
    """An ordered collector shared by one stage."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.span.file, d.span.line, d.span.column, d.code))


class SpecError(Exception):
    """Raised once at a stage boundary, carrying every diagnostic that stage found."""

    def __init__(self, diagnostics: list[Diagnostic], sources: dict | None = None):
        self.diagnostics = list(diagnostics)
        self.sources = dict(sources or {})
        first = self.diagnostics[0] if self.diagnostics else None
        super().__init__(first.message if first else "invalid spec")


class UsageError(Exception):
    """Bad input that is not a spec: arguments, data files, bindings. Rendered with exit 2."""

    def __init__(self, message: str, where: str | None = None):
        self.where = where
        super().__init__(message)

    def render(self) -> str:
        """`where: error: message`, safe for a terminal or a CI log whatever the message
        quotes from the data (column names, values, file names): control characters and
        escape sequences are shown escaped, and a line break is kept only where specc
        writes one, before an indented detail line (`  found: …`)."""
        from .report.escape import log_text, terminal

        lines = str(self).split("\n")
        kept = [lines[0]]
        for line in lines[1:]:
            if _DETAIL_LINE.match(line):
                kept.append(line)
            else:  # a line break that came with the data: shown escaped, not obeyed
                kept[-1] += "\n" + line
        message = "\n".join(terminal(line) for line in kept)
        return log_text(f"{terminal(self.where)}: error: {message}" if self.where else f"error: {message}")


# specc's own detail lines under a message: two spaces, then a word (`  expected: …`).
_DETAIL_LINE = re.compile(r"  [A-Za-z]")


def did_you_mean(name: str, candidates) -> str | None:
    import difflib

    # Short names need a looser match: `LCO` is one swap from `LOC` but scores only 0.67.
    cutoff = 0.6 if len(name) <= 4 else 0.7
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=cutoff)
    return f"did you mean `{matches[0]}`?" if matches else None

"""Source files and spans: where every AST node and diagnostic points back into a spec."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Span:
    """A region of a source file; lines and columns are 1-based, end column exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


NO_SPAN = Span("<unknown>", 1, 1, 1, 1)


@dataclass(frozen=True)
class SourceFile:
    """The text of one spec file, kept so diagnostics can quote the offending line."""

    path: str
    text: str

    @classmethod
    def read(cls, path: str | Path) -> "SourceFile":
        return cls.from_bytes(path, Path(path).read_bytes())

    @classmethod
    def from_bytes(cls, path: str | Path, raw: bytes) -> "SourceFile":
        return cls(str(path), raw.decode("utf-8-sig", errors="replace"))

    def lines(self) -> list[str]:
        """Lines as the parser counts them: only `\n` ends a line (not form feeds or U+2028)."""
        return self.text.split("\n")

    def line_text(self, line: int) -> str:
        lines = self.lines()
        if 1 <= line <= len(lines):
            return lines[line - 1]
        return ""

    def snippet(self, span: Span) -> str:
        """The source line of `span` with a caret/underline beneath the spanned columns."""
        text = self.line_text(span.line).rstrip("\r").replace("\t", " ")
        if not text and span.line > len(self.lines()):
            return ""
        start = max(span.column, 1)
        if span.end_line == span.line and span.end_column > start:
            width = span.end_column - start
        else:
            width = max(len(text) - start + 1, 1)
        width = max(1, min(width, max(len(text) - start + 1, 1)))
        gutter = f"{span.line:>4} | "
        marker = " " * (len(gutter) - 2) + "| " + " " * (start - 1) + "^" + "~" * (width - 1)
        return f"{gutter}{text}\n{marker}"

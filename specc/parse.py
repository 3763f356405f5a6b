"""Source text to AST: Lark (LALR, with positions), syntax errors as located diagnostics.

A syntax error never escapes as a Lark exception: it becomes one diagnostic with a stable
code, the position of the offending token, and the expected tokens said in plain words.
"""

from __future__ import annotations

import contextvars
import functools
from dataclasses import dataclass
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import ast
from .build_ast import AstBuilder
from .diagnostics import Diagnostic, Diagnostics, error
from .source import SourceFile, Span

GRAMMAR_PATH = Path(__file__).resolve().parent.parent / "grammars" / "specc.lark"

# How each terminal is named in a message: a lead reads "a name", not "NAME".
_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": "a string in double quotes",
    "LONG_STRING": 'a """text block"""',
    "NUMBER": "a number",
    "SIGNED_NUMBER_NEGATIVE": "a number",
    "DURATION": "a duration such as 48h",
    "VERSION": "a version such as 1.2.0",
    "COMPARE_OP": "a comparison (=, !=, <, <=, >, >=)",
    "ADD_OP": "`+` or `-`",
    "MUL_OP": "`*` or `/`",
    "PERCENT": "`%`",
    "WARN_BOUND": "`warn`",
    "$END": "the end of the file",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "COLON": "`:`",
    "COMMA": "`,`",
    "DOT": "`.`",
}


@dataclass(frozen=True)
class ParseResult:
    source: SourceFile
    spec: ast.Spec | None
    diagnostics: tuple[Diagnostic, ...]


# Comments are ignored by the grammar but kept for the formatter: the lexer hands each one
# to whichever list the current parse installed.
_comment_sink: contextvars.ContextVar[list] = contextvars.ContextVar("comment_sink")


def _collect_comment(token: Token) -> Token:
    sink = _comment_sink.get(None)
    if sink is not None:
        sink.append(token)
    return token


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=True,
        lexer_callbacks={"COMMENT": _collect_comment},
    )


@functools.lru_cache(maxsize=1)
def _keyword_words() -> dict[str, str]:
    """Anonymous terminals (`spec`, `table`, `..`, …) shown as the text they stand for."""
    words = {}
    for terminal in _parser().terminals:
        pattern = terminal.pattern
        if pattern.type == "str" and terminal.name not in _TERMINAL_WORDS:
            words[terminal.name] = f"`{pattern.value}`"
    return words


def describe_terminal(name: str) -> str:
    return _TERMINAL_WORDS.get(name) or _keyword_words().get(name) or name.lower()


def parse_source(source: SourceFile) -> ParseResult:
    diagnostics = Diagnostics()
    comments: list[Token] = []
    try:
        tree = _parse_collecting(source.text, comments)
    except UnexpectedInput as exc:
        diagnostics.add(syntax_diagnostic(source, exc))
        return ParseResult(source, None, tuple(diagnostics.items))
    too_deep = _first_node_deeper_than(tree, MAX_TREE_DEPTH)
    if too_deep is not None:
        span = Span(source.path, too_deep.line, too_deep.column, too_deep.end_line, too_deep.end_column)
        diagnostics.add(error("E012", span, "this is nested too deeply for specc to read",
                              "split the expression into several rules, or flatten the label tree"))
        return ParseResult(source, None, tuple(diagnostics.items))
    spec = AstBuilder(source.path, diagnostics).transform(tree)
    spec = ast.Spec(
        spec.items,
        tuple(ast.Comment(str(t), span=Span(source.path, t.line, t.column, t.end_line, t.end_column)) for t in comments),
        span=spec.span,
    )
    return ParseResult(source, spec, tuple(diagnostics.items))


# Every later stage walks the tree recursively; a bound on nesting keeps them all far from
# Python's recursion limit (about 120 levels of parentheses, or of labels in a taxonomy).
MAX_TREE_DEPTH = 250


def _first_node_deeper_than(tree, limit: int):
    """The first tree node or token below `limit` levels, found without recursion."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node.meta if hasattr(node, "meta") and not node.meta.empty else node
        if hasattr(node, "children"):
            stack.extend((child, depth + 1) for child in node.children if child is not None)
    return None


def _parse_collecting(text: str, comments: list[Token]):
    token = _comment_sink.set(comments)
    try:
        return _parser().parse(text)
    finally:
        _comment_sink.reset(token)


def parse_file(path: str | Path) -> ParseResult:
    return parse_source(SourceFile.read(path))


def parse_text(text: str, path: str = "<text>") -> ParseResult:
    return parse_source(SourceFile(path, text))


# ---- syntax errors --------------------------------------------------------------------------


def syntax_diagnostic(source: SourceFile, exc: UnexpectedInput) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        return _unexpected_character(source, exc)
    if isinstance(exc, UnexpectedEOF):
        return _unexpected_end(source, exc.expected)
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return _unexpected_end(source, exc.expected)
        return _unexpected_token(source, exc)
    span = Span(source.path, getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1, 0, 0)
    return error("E001", span, "syntax error")


_DECLARATIONS = ("SPEC", "IMPORT", "GUIDELINE", "TAXONOMY", "RECORD", "TABLE", "TASK", "RULES", "METRIC")


def _expected_words(expected) -> str:
    expected = set(expected)
    declarations = [name for name in _DECLARATIONS if name in expected]
    if len(declarations) >= 5:
        # between declarations: say so, rather than list every keyword alphabetically
        rest = sorted({describe_terminal(n) for n in expected - set(declarations)})
        listed = ", ".join(f"`{d.lower()}`" for d in declarations)
        return _or_list([f"a declaration ({listed}, …)"] + rest[:4])
    words = sorted({describe_terminal(name) for name in expected})
    if len(words) > 8:
        words = words[:8] + ["…"]
    return _or_list(words)


def _or_list(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _unexpected_token(source: SourceFile, exc: UnexpectedToken) -> Diagnostic:
    token = exc.token
    span = Span(source.path, token.line, token.column, token.end_line or token.line, token.end_column or token.column + 1)
    found = describe_found(token)
    expected = getattr(exc, "accepts", None) or exc.expected
    hint = _keyword_hint(token, expected) or _previous_keyword_hint(exc)
    return error("E001", span, f"unexpected {found}; expected {_expected_words(expected)}", hint)


def describe_found(token: Token) -> str:
    text = str(token)
    if len(text) > 30:
        text = text[:27] + "…"
    text = text.replace("\n", " ")
    if token.type == "NAME":
        return f"name `{text}`"
    if token.type in ("STRING", "LONG_STRING"):
        return f"string {text}"
    if token.type in ("NUMBER", "SIGNED_NUMBER_NEGATIVE"):
        return f"number `{text}`"
    return f"`{text}`"


def _previous_keyword_hint(exc: UnexpectedToken) -> str | None:
    """`source string` inside a table: `source` was read as a keyword and the error shows
    only at the next word, so the hint names the word before it."""
    history = getattr(exc, "token_history", None) or []
    previous = history[-1] if history else None
    if previous is not None and previous.type != "NAME" and str(previous).isidentifier():
        return (f"`{previous}` before it is a keyword; if you meant a name, "
                f"write it in backticks: `` `{previous}` ``")
    return None


def _keyword_hint(token: Token, expected) -> str | None:
    """A reserved word where a name was expected: say how to use it as a name."""
    if "NAME" in expected and token.type != "NAME" and str(token).isidentifier():
        return f"`{token}` is a keyword here; to use it as a name, write it in backticks: `` `{token}` ``"
    return None


def _unexpected_character(source: SourceFile, exc: UnexpectedCharacters) -> Diagnostic:
    line, column = exc.line, exc.column
    character = source.text[exc.pos_in_stream] if exc.pos_in_stream < len(source.text) else ""
    span = Span(source.path, line, column, line, column + 1)
    if character == '"':
        return error("E003", span, "unterminated string: a string must close on the line it opens",
                     'close the string with `"`, or use a """text block""" for several lines')
    shown = repr(character)[1:-1] if character else "end of input"
    expected = getattr(exc, "allowed", None) or ()
    message = f"unexpected character `{shown}`"
    if expected:
        message += f"; expected {_expected_words(expected)}"
    return error("E002", span, message)


def _unexpected_end(source: SourceFile, expected) -> Diagnostic:
    lines = source.lines()
    if len(lines) > 1 and lines[-1] == "":
        lines = lines[:-1]  # a final newline does not start a line of its own
    line = len(lines)
    column = len(lines[-1]) + 1
    span = Span(source.path, line, column, line, column + 1)
    return error("E004", span, f"unexpected end of file; expected {_expected_words(expected)}",
                 "a `{` may be missing its `}`" if "RBRACE" in expected else None)

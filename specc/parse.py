"""Source text to AST: Lark (LALR, with positions), syntax errors as located diagnostics.

A syntax error never escapes as a Lark exception: it becomes one diagnostic with a stable
code, the position of the offending token, and the expected tokens said in plain words.
"""

from __future__ import annotations

import contextvars
import os
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import ast
from .build_ast import AstBuilder
from .diagnostics import Diagnostic, Diagnostics, closest_word, error
from .source import SourceFile, Span
from .user_cache import private_folder

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
    # Building the LALR tables takes a third of a second, a third of a small check's run, so
    # Lark keeps them in the user's own cache folder (it checks the grammar's hash on reading
    # and rebuilds on any mismatch or unreadable file).
    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=True,
        lexer_callbacks={"COMMENT": _collect_comment},
        cache=_table_cache() or False,
    )


def _table_cache() -> str | None:
    """A file in specc's own cache folder (`specc.user_cache`), never the shared temporary
    folder Lark picks by default. None when there is no such folder."""
    folder = private_folder()
    return os.path.join(folder, "grammar-tables.pickle") if folder is not None else None


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
    nul = source.text.find("\x00")
    if nul >= 0:  # not even in a string: no SQL literal, file name or report can carry it
        line = source.text.count("\n", 0, nul) + 1
        column = nul - (source.text.rfind("\n", 0, nul) + 1) + 1
        diagnostics.add(error("E002", Span(source.path, line, column, line, column + 1),
                              "unexpected character U+0000 (NUL): a spec cannot hold it, not even in a string",
                              "delete it; the file may have been saved in another encoding (UTF-16?)"))
        return ParseResult(source, None, tuple(diagnostics.items))
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
    spec = ast.Spec(spec.items, tuple(_comment(source, token) for token in comments), span=spec.span)
    return ParseResult(source, spec, tuple(diagnostics.items))


def _comment(source: SourceFile, token: Token) -> ast.Comment:
    line_start = source.text.rfind("\n", 0, token.start_pos) + 1
    trailing = source.text[line_start:token.start_pos].strip() != ""
    span = Span(source.path, token.line, token.column, token.end_line, token.end_column)
    return ast.Comment(str(token), span=span, trailing=trailing)


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
    if not _is_misspelt_keyword(exc):
        misread = _misread_keyword(source, exc)
        if misread is not None:
            return misread
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
    range_hint = _range_hint(source, token, expected)
    if range_hint is not None:
        span, hint = range_hint
    else:
        hint = (_keyword_typo_hint(token, expected) or _keyword_hint(source, exc, expected)
                or _previous_keyword_hint(source, exc))
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


def _previous_keyword_hint(source: SourceFile, exc: UnexpectedToken) -> str | None:
    """`source string` inside a table: `source` was read as a keyword and the error shows
    only at the next word, so the hint names the word before it — when writing that word
    in backticks really lets the spec read on (`int required 1..5` it would not)."""
    history = getattr(exc, "token_history", None) or []
    previous = history[-1] if history else None
    if previous is None or previous.type == "NAME" or not str(previous).isidentifier():
        return None
    if not _reads_further(source.text, previous, f"`{previous}`", _error_offset(source.text, exc)):
        return None
    return (f"`{previous}` before it is a keyword; if you meant a name, "
            f"write it in backticks: `` `{previous}` ``")


def _keyword_hint(source: SourceFile, exc: UnexpectedToken, expected) -> str | None:
    """A reserved word where a name was expected: say how to use it as a name."""
    token = exc.token
    if "NAME" not in expected or token.type == "NAME" or not str(token).isidentifier():
        return None
    if not _reads_further(source.text, token, f"`{token}`", _error_offset(source.text, exc)):
        return None
    return f"`{token}` is a keyword here; to use it as a name, write it in backticks: `` `{token}` ``"


def _range_hint(source: SourceFile, token: Token, expected) -> tuple[Span, str] | None:
    """`int required 1..5`: ranges of values are spelt out, `..` is only for lengths."""
    if token.type not in ("NUMBER", "SIGNED_NUMBER_NEGATIVE") or "BETWEEN" not in expected:
        return None
    rest = _RANGE_REST.match(source.text, token.end_pos)
    if rest is None:
        return None
    span = Span(source.path, token.line, token.column, token.line, token.column + rest.end() - token.start_pos)
    return span, f"a range of values is written `between {token} and {rest.group(1)}`"


_RANGE_REST = re.compile(r"[ \t]*\.\.[ \t]*(-?[0-9]+(?:\.[0-9]+)?)")


# ---- misspelt keywords ------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _keyword_spellings() -> dict[str, str]:
    """Terminal name -> the word it spells, for keywords a typo of which lexes as a name."""
    return {t.name: t.pattern.value for t in _parser().terminals
            if t.pattern.type == "str" and t.pattern.value.isidentifier()}


def _keyword_typo_hint(token: Token, expected) -> str | None:
    """`tolerance 0.5%` where `tolerate` was due: the nearest keyword valid at that point."""
    if token.type != "NAME" or str(token).startswith("`"):
        return None
    words = _keyword_spellings()
    guess = closest_word(str(token), [words[name] for name in expected if name in words])
    return f"did you mean `{guess}`?" if guess else None


def _is_misspelt_keyword(exc: UnexpectedInput) -> bool:
    if not isinstance(exc, UnexpectedToken):
        return False
    expected = getattr(exc, "accepts", None) or exc.expected
    return _keyword_typo_hint(exc.token, expected) is not None


# How many earlier names, nearest the error first, are tried as misspelt keywords.
_SUSPECTS_TRIED = 3


def _misread_keyword(source: SourceFile, exc: UnexpectedInput) -> Diagnostic | None:
    """A misspelt keyword where a name may also stand: `x int requried` reads `requried` as
    a new column, and the spec breaks only a few tokens later. The suspect is a name close
    to a keyword that was valid where it stands; it is named only if writing that keyword
    instead lets the parser read further than it did.

    A character that starts no token at all (`@`) is wrong whatever came before it."""
    if isinstance(exc, UnexpectedCharacters):
        return None
    offset = _error_offset(source.text, exc)
    for token, keyword in reversed(_keyword_suspects(source.text)[-_SUSPECTS_TRIED:]):
        if token.end_pos <= offset and _reads_further(source.text, token, keyword, offset):
            span = Span(source.path, token.line, token.column, token.end_line, token.end_column)
            line, column, found = _error_site(source, exc)
            return error("E001", span, f"`{token}` is not a keyword; read as a name, it makes "
                                       f"{found} at {line}:{column} unexpected",
                         f"did you mean `{keyword}`?")
    return None


def _keyword_suspects(text: str) -> list[tuple[Token, str]]:
    """Each name the parser took where a keyword it resembles was also valid, inside the
    blocks still open at the error: once its block has closed, a misreading is over."""
    words = _keyword_spellings()
    parser = _parser().parse_interactive(text)
    suspects: list[tuple[Token, str, int]] = []
    depth = 0
    try:
        for token in parser.iter_parse():
            if token.type == "RBRACE":
                depth -= 1
                suspects = [s for s in suspects if s[2] <= depth]
            elif token.type == "LBRACE":
                depth += 1
            elif token.type == "NAME" and not token.startswith("`"):
                guess = closest_word(str(token), [words[t] for t in parser.choices() if t in words])
                if guess is not None:
                    suspects.append((token, guess, depth))
    except UnexpectedInput:
        pass
    return [(token, guess) for token, guess, _ in suspects]


def _reads_further(text: str, token: Token, replacement: str, offset: int) -> bool:
    """Whether the text with `replacement` for `token` parses past `offset`, the old error."""
    repaired = text[:token.start_pos] + replacement + text[token.end_pos:]
    past = offset + len(replacement) - (token.end_pos - token.start_pos)
    parser = _parser().parse_interactive(repaired)
    try:
        for next_token in parser.iter_parse():
            if next_token.start_pos > past:
                return True  # no need to read the rest of the file
        parser.feed_eof()
    except UnexpectedInput as again:
        return _error_offset(repaired, again) > past
    return True


def _error_offset(text: str, exc: UnexpectedInput) -> int:
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return exc.token.start_pos
    if isinstance(exc, UnexpectedCharacters):
        return exc.pos_in_stream
    return len(text)


def _error_site(source: SourceFile, exc: UnexpectedInput) -> tuple[int, int, str]:
    """Line, column and a description of what the parser stumbled on."""
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        return exc.token.line, exc.token.column, describe_found(exc.token)
    if isinstance(exc, UnexpectedCharacters):
        shown = repr(source.text[exc.pos_in_stream])[1:-1]
        return exc.line, exc.column, f"`{shown}`"
    end = _unexpected_end(source, ())
    return end.span.line, end.span.column, "the end of the file"


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

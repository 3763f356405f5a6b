"""The YAML taxonomy reader (see docs/language.md).

Large taxonomies live in YAML kept by other tools; they become the same `ast.Taxonomy` an
inline declaration gives, with spans pointing into the YAML file, so every later stage (and
every diagnostic) treats both alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import yaml

from . import ast
from .diagnostics import Diagnostic, error
from .source import Span


class _YamlProblem(Exception):
    def __init__(self, node, message: str):
        self.node = node
        super().__init__(message)


def load_yaml_taxonomy(path: Path, declared_name: ast.Identifier, read_bytes: Callable[[Path], bytes] = Path.read_bytes,
                       ) -> tuple[ast.Taxonomy | None, list[Diagnostic]]:
    """Read a YAML taxonomy (see docs/language.md) into an `ast.Taxonomy`; `read_bytes` reads
    the file (the resolver's records what it read)."""
    shown = str(path)
    try:
        raw = read_bytes(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = getattr(exc, "strerror", None) or str(exc)
        return None, [error("E109", declared_name.span, f"cannot read taxonomy file `{shown}`: {reason}")]
    try:
        root = yaml.compose(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        span = Span(shown, line, column, line, column + 1)
        return None, [error("E111", span, "the taxonomy file is not UTF-8 text", "save it as UTF-8")]
    except yaml.YAMLError as exc:
        return None, [error("E111", _yaml_error_span(shown, exc, raw, declared_name.span),
                            f"invalid YAML: {getattr(exc, 'problem', None) or exc}")]
    try:
        mapping = _mapping(root, shown)
        labels_node = mapping.get("labels")
        if labels_node is None:
            raise _YamlProblem(root, "a taxonomy file needs a `labels:` list")
        labels = tuple(_label(item, shown) for item in _sequence(labels_node))
    except _YamlProblem as problem:
        span = _node_span(shown, problem.node) if problem.node is not None else declared_name.span
        return None, [error("E111", span, f"invalid taxonomy file: {problem}")]
    title = _scalar(mapping["title"]) if "title" in mapping else None
    guideline = _scalar(mapping["guideline"]) if "guideline" in mapping else None
    return ast.Taxonomy(declared_name, title, guideline, labels, shown, span=declared_name.span), []


def _mapping(node, path: str) -> dict:
    if not isinstance(node, yaml.MappingNode):
        raise _YamlProblem(node, "expected a mapping")
    return {_scalar(key): value for key, value in node.value}


def _sequence(node) -> list:
    if not isinstance(node, yaml.SequenceNode):
        raise _YamlProblem(node, "expected a list")
    return node.value


def _scalar(node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _YamlProblem(node, "expected a single value")
    return node.value


def _strings(node) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        return (node.value,)
    return tuple(_scalar(item) for item in _sequence(node))


_LABEL_KEYS = {"code", "name", "description", "examples", "counterexamples", "aliases",
               "deprecated", "guideline", "children"}


def _label(node, path: str) -> ast.Label:
    fields = _mapping(node, path)
    for key_node, _ in node.value:
        if key_node.value not in _LABEL_KEYS:
            raise _YamlProblem(key_node, f"unknown label field `{key_node.value}`; expected one of {', '.join(sorted(_LABEL_KEYS))}")
    if "code" not in fields:
        raise _YamlProblem(node, "a label needs a `code`")
    code_node = fields["code"]
    code = _scalar(code_node)
    if not code or not (code.replace("_", "a").isalnum() and not code[0].isdigit()):
        raise _YamlProblem(code_node, f"label code `{code}` must be letters, digits and underscores")
    deprecated = fields.get("deprecated")
    return ast.Label(
        ast.Identifier(code, span=_node_span(path, code_node)),
        _scalar(fields["name"]) if "name" in fields else None,
        _scalar(fields["description"]) if "description" in fields else None,
        _strings(fields["examples"]) if "examples" in fields else (),
        _strings(fields["counterexamples"]) if "counterexamples" in fields else (),
        _strings(fields["aliases"]) if "aliases" in fields else (),
        deprecated is not None and _scalar(deprecated).lower() in ("true", "yes"),
        _scalar(fields["guideline"]) if "guideline" in fields else None,
        tuple(_label(child, path) for child in _sequence(fields["children"])) if "children" in fields else (),
        span=_node_span(path, node),
    )


def _yaml_error_span(path: str, exc, raw: bytes, fallback: Span) -> Span:
    """Where a YAML error is: the problem's mark, or — when that lies past the last line, as
    for an unclosed quote — the place the construct opened."""
    lines = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    for mark in (getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)):
        if mark is not None and mark.line < lines:
            return _mark_span(path, mark)
    return fallback


def _mark_span(path: str, mark) -> Span:
    return Span(path, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)


def _node_span(path: str, node) -> Span:
    start, end = node.start_mark, node.end_mark
    if end.line != start.line:
        return Span(path, start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    return Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

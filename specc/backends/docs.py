"""The annotator guideline document: `specc compile --target docs` writes SPEC.md and SPEC.html.

Annotators and project leads read one document: the spec's guideline, each task's kind and
instructions, every taxonomy as a label tree with examples, the fields of each table, and
every QA rule, built-in check and metric in plain words (`specc.describe`). The document is
built once as a small tree of blocks and written twice, as Markdown (for a pull request or a
wiki) and as a standalone HTML page (inline CSS, no scripts, no external assets).

The spec is reviewed input, but its text still never becomes markup by accident: in the
HTML every string goes through `html.escape`, and the Markdown in guidelines is rendered by
the small converter in `specc.markdown` (paragraphs, lists, headings, code, **bold**,
*italics*), which escapes everything else, so raw HTML in a spec shows as text. In the
Markdown file the guideline Markdown is kept, with anything that would start raw HTML escaped.
Output depends on the spec alone, so the same spec always gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from .. import ast
from ..describe import (
    MARKDOWN, ROLE_WORDS, Statement, describe_spec, describe_task_kind, label_words, range_words, size_words,
)
from ..markdown import (
    inline_to_html, is_one_paragraph, markdown_code, markdown_escape, markdown_for_markdown, markdown_to_html,
    neutralise_html,
)
from ..resolve import CheckedSpec
from ..taxonomy import LabelTree
from .base import Backend

# ---- the document tree ----------------------------------------------------------------------

# Inline content is a tuple of (kind, text) parts. Kinds: text (literal), code, strong, em,
# md (Markdown made by specc, already escaped: `specc.describe` sentences), authored (Markdown
# written in the spec: its raw HTML is escaped on the way out), badge (a severity).
Parts = tuple[tuple[str, str], ...]


def text(value: str) -> tuple[str, str]:
    return ("text", value)


def code(value: str) -> tuple[str, str]:
    return ("code", value)


def strong(value: str) -> tuple[str, str]:
    return ("strong", value)


def em(value: str) -> tuple[str, str]:
    return ("em", value)


def md(value: str) -> tuple[str, str]:
    return ("md", value)


def authored(value: str) -> tuple[str, str]:
    return ("authored", value)


@dataclass(frozen=True)
class Heading:
    level: int
    parts: Parts
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    parts: Parts
    cls: str = ""


@dataclass(frozen=True)
class Markdown:
    """A guideline or description: Markdown written by the spec's author."""

    source: str
    base_level: int  # the level its `#` headings start at


@dataclass(frozen=True)
class Item:
    parts: Parts
    blocks: tuple = ()
    cls: str = ""


@dataclass(frozen=True)
class Bullets:
    items: tuple[Item, ...]
    cls: str = ""
    marker: str = "-"  # a different marker keeps two adjacent Markdown lists apart


@dataclass(frozen=True)
class Grid:
    header: tuple[str, ...]
    rows: tuple[tuple[Parts, ...], ...]


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)
    contents: list[tuple[str, str]] = field(default_factory=list)  # (anchor, title) of sections
    anchors: set[str] = field(default_factory=set)

    def anchor(self, hint: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]+", "-", hint).strip("-") or "section"
        candidate, number = base, 2
        while candidate in self.anchors:
            candidate, number = f"{base}-{number}", number + 1
        self.anchors.add(candidate)
        return candidate

    def section(self, title: str, hint: str) -> None:
        anchor = self.anchor(hint)
        self.contents.append((anchor, title))
        self.blocks.append(Heading(2, (text(title),), anchor))


# ---- the backend ------------------------------------------------------------------------------


class DocsBackend(Backend):
    name = "docs"
    description = "the annotator guideline: SPEC.md and a standalone SPEC.html"

    def render(self, checked: CheckedSpec) -> dict[str, str]:
        document = build_document(checked)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", checked.name).lstrip(".") or "spec"
        return {f"{stem}.md": to_markdown(document), f"{stem}.html": to_html(document)}


def build_document(checked: CheckedSpec) -> Document:
    document = Document(checked.title or checked.name)
    statements = describe_spec(checked, MARKDOWN)
    _front_matter(document, checked)
    _tasks(document, checked)
    _taxonomies(document, checked)
    _tables(document, checked)
    _checks(document, checked, statements)
    _metrics(document, [s for s in statements if s.kind == "metric"])
    return document


def _front_matter(document: Document, checked: CheckedSpec) -> None:
    document.blocks.append(Heading(1, (text(document.title),), document.anchor("top")))
    facts: list = [text("Annotation guideline · spec "), code(checked.name)]
    if checked.version:
        facts += [text(" · version "), text(checked.version)]
    if checked.owner:
        facts += [text(" · owner "), text(checked.owner)]
    document.blocks.append(Para(tuple(facts), "meta"))
    if checked.description:
        document.blocks.append(Markdown(checked.description, 3))
    if checked.guidelines:
        document.section("Guideline", "guideline")
        document.blocks.extend(Markdown(guideline, 3) for guideline in checked.guidelines)


# ---- tasks ----------------------------------------------------------------------------------


def _tasks(document: Document, checked: CheckedSpec) -> None:
    if not checked.tasks:
        return
    document.section("Tasks", "tasks")
    for task in checked.tasks.values():
        title = task.title or task.name.text
        document.blocks.append(Heading(3, (text(title + " "), code(task.name.text)), document.anchor(f"task-{task.name.text}")))
        document.blocks.append(Para((text(describe_task_kind(task)),)))
        if task.guideline:
            document.blocks.append(Para((strong("Instructions"),)))
            document.blocks.append(Markdown(task.guideline, 4))
        document.blocks.append(Para((text("Each row of "), code(task.table.text),
                                     text(" is one annotation; its columns hold:"))))
        document.blocks.append(Grid(("Role", "Column", "What it holds"),
                                    tuple(_role_row(checked, task, role) for role in task.roles)))
        document.blocks.extend(_check_settings(task))


def _role_row(checked: CheckedSpec, task: ast.Task, role: ast.Role) -> tuple[Parts, ...]:
    columns: list = []
    for index, ref in enumerate(role.columns):
        if index:
            columns.append(text(" .. " if role.is_range else ", "))
        columns.append(code(str(ref)))
    words = ROLE_WORDS.get(role.role.text, role.role.text)
    meaning: list = [text(words)]
    labels = _role_labels(checked, task, role)
    if labels:
        meaning += [text(": "), md(labels)]
    return ((text(role.role.text),), tuple(columns), tuple(meaning))


def _role_labels(checked: CheckedSpec, task: ast.Task, role: ast.Role) -> str | None:
    if not role.columns:
        return None
    ref = role.columns[0]
    table = checked.tables.get(ref.table or task.table.text)
    column = table.column(ref.column) if table else None
    if column is None:
        return None
    type_ref = column.type.item if isinstance(column.type, ast.ListType) else column.type
    return label_words(checked, type_ref, MARKDOWN)


def _check_settings(task: ast.Task) -> list:
    off = [code(s.check.text) for s in task.checks if s.setting == "off"]
    changed = [(s.check.text, s.setting) for s in task.checks if s.setting != "off"]
    blocks = []
    if off:
        blocks.append(Para((text("Built-in checks switched off for this task: "),) + _listed(off) + (text("."),)))
    for check, setting in changed:
        level = "an error" if setting == "error" else "a warning"
        blocks.append(Para((text("The built-in check "), code(check), text(f" is {level} for this task."))))
    return blocks


def _listed(parts: list) -> tuple:
    result: list = []
    for index, part in enumerate(parts):
        if index:
            result.append(text(" and " if index == len(parts) - 1 else ", "))
        result.append(part)
    return tuple(result)


# ---- taxonomies -----------------------------------------------------------------------------


def _taxonomies(document: Document, checked: CheckedSpec) -> None:
    if not checked.taxonomies:
        return
    document.section("Labels", "labels")
    uses = _taxonomy_uses(checked)
    for name, tree in checked.taxonomies.items():
        title = tree.taxonomy.title or name
        document.blocks.append(Heading(3, (text(title + " "), code(name)), document.anchor(f"taxonomy-{name}")))
        used = uses.get(name, [])
        if used:
            where = [md(f"{markdown_code(column)} ({selection})") for column, selection in used]
            document.blocks.append(Para((text("Used by "),) + _listed(where) + (text("."),)))
        if tree.taxonomy.guideline:
            document.blocks.append(Markdown(tree.taxonomy.guideline, 4))
        leaves_only = bool(used) and all(selection == "leaf labels only" for _, selection in used)
        document.blocks.append(Bullets(tuple(_label_item(tree, label, leaves_only) for label in tree.taxonomy.labels),
                                       "tree"))


def _taxonomy_uses(checked: CheckedSpec) -> dict[str, list[tuple[str, str]]]:
    uses: dict[str, list[tuple[str, str]]] = {}
    owners = list(checked.tables.values()) + list(checked.records.values())
    for owner in owners:
        for column in owner.columns:
            type_ref = column.type
            while isinstance(type_ref, ast.ListType):
                type_ref = type_ref.item
            if isinstance(type_ref, ast.LeavesType):
                name, selection = type_ref.taxonomy.text, "leaf labels only"
            elif isinstance(type_ref, ast.SubtreeType):
                name, selection = type_ref.taxonomy.text, f"{type_ref.code} and its sub-labels"
            elif isinstance(type_ref, ast.NamedType) and type_ref.name.text in checked.taxonomies:
                name, selection = type_ref.name.text, "any label"
            else:
                continue
            uses.setdefault(name, []).append((f"{owner.name.text}.{column.name.text}", selection))
    return uses


def _label_item(tree: LabelTree, label: ast.Label, leaves_only: bool) -> Item:
    parts: list = [strong(label.display), text(" "), code(label.code.text)] if label.display else [
        code(label.code.text)]
    if label.deprecated:
        parts += [text(" — "), strong("Deprecated: do not use.")]
    if label.description:
        parts += [text(" " if label.deprecated else " — "), authored(label.description)]
    if label.children and leaves_only:
        parts += [text(" "), em("A heading: choose one of the labels below it.")]
    details = _label_details(label)
    blocks = []
    if details:
        blocks.append(Bullets(tuple(details), "details", "*"))
    if label.children:
        blocks.append(Bullets(tuple(_label_item(tree, child, leaves_only) for child in label.children), "tree"))
    return Item(tuple(parts), tuple(blocks), "deprecated" if label.deprecated else "")


def _label_details(label: ast.Label) -> list[Item]:
    details = [Item((em("Example:"), text(" "), text(example)), cls="example") for example in label.examples]
    details += [Item((em("Not an example:"), text(" "), text(counter)), cls="counterexample")
                for counter in label.counterexamples]
    if label.aliases:
        details.append(Item((em("Also called:"), text(" ")) + _listed([code(a) for a in label.aliases]), cls="alias"))
    if label.guideline:
        if is_one_paragraph(label.guideline):
            details.append(Item((em("Guideline:"), text(" "), authored(label.guideline)), cls="guideline"))
        else:
            details.append(Item((em("Guideline:"),), (Markdown(label.guideline, 5),), "guideline"))
    return details


# ---- tables and records ---------------------------------------------------------------------


_SCALAR_WORDS = {"string": "text", "int": "whole number", "float": "number", "bool": "true or false",
                 "timestamp": "date and time"}


def _tables(document: Document, checked: CheckedSpec) -> None:
    if not checked.tables and not checked.records:
        return
    document.section("Data fields", "fields")
    for table in checked.tables.values():
        heading = (code(table.name.text),) + ((text(" — " + table.title),) if table.title else ())
        document.blocks.append(Heading(3, heading, document.anchor(f"table-{table.name.text}")))
        if table.guideline:
            document.blocks.append(Markdown(table.guideline, 4))
        document.blocks.extend(_table_facts(table))
        document.blocks.append(_fields(checked, table.columns))
    for record in checked.records.values():
        heading = (text("Record "), code(record.name.text)) + ((text(" — " + record.title),) if record.title else ())
        document.blocks.append(Heading(3, heading, document.anchor(f"record-{record.name.text}")))
        document.blocks.append(_fields(checked, record.columns))


def _table_facts(table: ast.Table) -> list:
    facts = []
    if table.primary_key:
        keys = _listed([code(k.text) for k in table.primary_key])
        facts.append(Para((text("Each row is identified by "),) + keys + (text(" together."),)))
    if table.strict:
        facts.append(Para((text("Only the fields below may appear in the data."),)))
    if table.source:
        facts.append(Para((text("Default data file: "), code(table.source), text("."))))
    return facts


def _fields(checked: CheckedSpec, columns) -> Grid:
    rows = []
    for column in columns:
        description = next((c.text for c in column.find(ast.Description)), "")
        rows.append(((code(column.name.text),), _type_parts(checked, column.type), _constraint_parts(column),
                     (authored(description),) if description else ()))
    return Grid(("Field", "Type", "Constraints", "Description"), tuple(rows))


def _type_parts(checked: CheckedSpec, type_ref) -> Parts:
    if isinstance(type_ref, ast.ListType):
        return (text("list of "),) + _type_parts(checked, type_ref.item)
    if isinstance(type_ref, ast.LeavesType):
        return (text("leaf label of "), code(type_ref.taxonomy.text))
    if isinstance(type_ref, ast.SubtreeType):
        return (text("label under "), code(type_ref.code), text(" in "), code(type_ref.taxonomy.text))
    name = type_ref.name.text
    if name in checked.taxonomies:
        return (text("label of "), code(name))
    if name in checked.records:
        return (text("record "), code(name))
    return (text(_SCALAR_WORDS.get(name, name)),)


def _constraint_parts(column: ast.Column) -> Parts:
    pieces: list[list] = []
    if column.has(ast.Key):
        pieces.append([text("key (required, unique)")])
    else:
        if column.has(ast.Required):
            pieces.append([text("required")])
        if column.has(ast.Unique):
            pieces.append([text("unique")])
    words = range_words(column)
    if words:
        pieces.append([text(words)])
    for pattern in column.find(ast.Pattern):
        pieces.append([text("pattern "), code(pattern.regex)])
    for bound in column.find(ast.LengthBound):
        size = size_words(bound)
        if size:
            pieces.append([text(size)])
    for one_of in column.find(ast.OneOf):
        values = [code(str(v.value)) if v.kind == "string" else text(v.text) for v in one_of.values]
        pieces.append([text("one of ")] + _joined([[v] for v in values], ", "))
    for reference in column.find(ast.References):
        pieces.append([text("references "), code(str(reference.target))])
    return tuple(_joined(pieces, "; "))


def _joined(pieces: list[list], separator: str) -> list:
    """The parts of every piece in order, with `separator` between two pieces."""
    parts: list = []
    for index, piece in enumerate(pieces):
        parts += ([text(separator)] if index else []) + piece
    return parts


# ---- checks and metrics ---------------------------------------------------------------------

_GROUPS = (("column", "Fields"), ("builtin", "Built-in checks of the tasks"), ("rule", "Rules"))


def _checks(document: Document, checked: CheckedSpec, statements: list[Statement]) -> None:
    checks = [s for s in statements if s.kind != "metric"]
    if not checks:
        return
    document.section("Quality checks", "checks")
    document.blocks.append(Para((
        strong("error"), text(" — the sentence says "), em("must"),
        text(": the delivery fails the quality gate when the check fails. "),
        strong("warning"), text(" — the sentence says "), em("should"),
        text(": the check is reported but does not block. "),
        text("Every value must also be readable as the type of its field."),
    ), "legend"))
    for table in checked.tables.values():
        mine = [s for s in checks if s.table == table.name.text]
        if not mine:
            continue
        document.blocks.append(Heading(3, (code(table.name.text),), document.anchor(f"checks-{table.name.text}")))
        for kind, title in _GROUPS:
            group = [s for s in mine if s.kind == kind]
            if group:
                document.blocks.append(Para((strong(title),)))
                document.blocks.append(Bullets(tuple(_check_item(s) for s in group), "checks"))


def _metrics(document: Document, metrics: list[Statement]) -> None:
    if not metrics:
        return
    document.section("Agreement and other metrics", "metrics")
    document.blocks.append(Bullets(tuple(_check_item(s) for s in metrics), "checks"))


def _check_item(statement: Statement) -> Item:
    parts: list = [("badge", statement.severity), text(" ")]
    headline = statement.message if statement.message and statement.message != statement.id else None
    if headline and not statement.text.startswith("custom SQL check"):
        parts += [em(_sentence(headline)), text(" ")]
    parts += [md(_sentence(_capitalised(statement.text))), text(" ("), code(statement.id), text(")")]
    return Item(tuple(parts), cls=statement.severity)


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:] if sentence[:1].islower() else sentence


def _sentence(words: str) -> str:
    words = words.strip()
    return words if words.endswith((".", "!", "?")) else words + "."


# ---- Markdown output --------------------------------------------------------------------------


def to_markdown(document: Document) -> str:
    return "\n".join(_md_blocks(document.blocks, "")).rstrip("\n") + "\n"


def _md_blocks(blocks, indent: str) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        rendered = _md_block(block, indent)
        if rendered and lines:
            lines.append("")
        lines.extend(rendered)
    return lines


def _md_block(block, indent: str) -> list[str]:
    if isinstance(block, Heading):
        return [f"{indent}{'#' * block.level} {_md_inline(block.parts)}"]
    if isinstance(block, Para):
        return [indent + _md_inline(block.parts)]
    if isinstance(block, Markdown):
        if not block.source.strip():
            return []
        return [indent + line if line.strip() else "" for line in markdown_for_markdown(block.source, block.base_level)]
    if isinstance(block, Bullets):
        return _md_list(block, indent)
    if isinstance(block, Grid):
        return _md_grid(block, indent)
    raise TypeError(f"unknown block {block!r}")


def _md_list(block: Bullets, indent: str) -> list[str]:
    lines = []
    inner = indent + " " * (len(block.marker) + 1)
    for item in block.items:
        lines.append(f"{indent}{block.marker} {_md_inline(item.parts)}")
        for sub in item.blocks:
            if not isinstance(sub, Bullets):
                lines.append("")
            lines.extend(_md_block(sub, inner))
    return lines


def _md_grid(block: Grid, indent: str) -> list[str]:
    def row(cells) -> str:
        return indent + "| " + " | ".join(cells) + " |"

    lines = [row(markdown_escape(h, line_start=False) for h in block.header), row("---" for _ in block.header)]
    lines += [row(_md_inline(cell, in_table=True) or " " for cell in cells) for cells in block.rows]
    return lines


def _md_inline(parts: Parts, in_table: bool = False) -> str:
    out = []
    for index, (kind, value) in enumerate(parts):
        if kind == "text":
            out.append(markdown_escape(value, line_start=index == 0 and not in_table))
        elif kind == "code":
            out.append(markdown_code(value.replace("\n", " ")))
        elif kind == "strong":
            out.append(f"**{markdown_escape(value, line_start=False)}**")
        elif kind == "em":
            out.append(f"*{markdown_escape(value, line_start=False)}*")
        elif kind == "md":
            out.append(value)
        elif kind == "authored":
            out.append(neutralise_html(" ".join(value.split("\n"))))
        elif kind == "badge":
            out.append(f"**{_badge_word(value)}**")
    rendered = "".join(out)
    return _pipes_escaped(rendered) if in_table else rendered


def _pipes_escaped(cell: str) -> str:
    """GitHub tables split cells at every unescaped `|`, inside code spans too."""
    return re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", cell)


def _badge_word(severity: str) -> str:
    return "warning" if severity == "warn" else severity


# ---- HTML output ------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d232a; --muted: #5b6570; --line: #d9dee3; --accent: #1f5fa8; --error: #b3261e;
        --warn: #8a5a00; --paper: #ffffff; --tint: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--tint); color: var(--ink);
       font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 58rem; margin: 0 auto; padding: 2rem 2.5rem 4rem; background: var(--paper); }
h1 { font-size: 2rem; margin: 0 0 .25rem; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 1.8rem 0 .5rem; }
h4, h5, h6 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
p.meta { color: var(--muted); margin-top: 0; }
code { font: .9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--tint);
       padding: .05em .3em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--tint); padding: .75rem 1rem; overflow-x: auto; border-radius: 4px; }
pre code { background: none; padding: 0; }
nav.contents { border: 1px solid var(--line); border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0 1.5rem; }
nav.contents ol { margin: .25rem 0; padding-left: 1.25rem; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin: .75rem 0 1.25rem; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--tint); }
ul.tree, ul.tree ul.tree { list-style: none; padding-left: 1.25rem; border-left: 2px solid var(--line); }
ul.tree > li { margin: .45rem 0; }
ul.details { list-style: none; padding-left: .5rem; margin: .2rem 0; color: var(--muted); font-size: .95rem; }
ul.details li.example::before { content: "\\2713\\00a0"; color: #1e7a34; }
ul.details li.counterexample::before { content: "\\2717\\00a0"; color: var(--error); }
li.deprecated > strong:first-child { text-decoration: line-through; color: var(--muted); }
ul.checks { list-style: none; padding-left: 0; }
ul.checks li { margin: .4rem 0; padding-left: 5.5rem; text-indent: -5.5rem; }
.badge { display: inline-block; min-width: 5rem; text-indent: 0; text-align: center; font-size: .78rem;
         font-weight: 600; text-transform: uppercase; letter-spacing: .04em; border-radius: 3px;
         padding: .05rem .35rem; margin-right: .25rem; color: #fff; }
.badge.error { background: var(--error); }
.badge.warn { background: var(--warn); }
p.legend { background: var(--tint); padding: .6rem .8rem; border-radius: 4px; font-size: .95rem; }
@media print { body { background: none; } main { padding: 0; } nav.contents { display: none; } }
"""


def to_html(document: Document) -> str:
    body = "".join(_html_block(block) for block in document.blocks)
    contents = "".join(f'<li><a href="#{escape(anchor)}">{escape(title)}</a></li>'
                       for anchor, title in document.contents)
    nav = f'<nav class="contents"><strong>Contents</strong><ol>{contents}</ol></nav>\n' if contents else ""
    head, rest = _split_after_meta(body)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(document.title)} — annotation guideline</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{head}{nav}{rest}</main>\n</body>\n</html>\n"
    )


def _split_after_meta(body: str) -> tuple[str, str]:
    """The contents go right after the title and the line of facts under it."""
    marker = '<p class="meta">'
    start = body.find(marker)
    if start < 0:
        return "", body
    end = body.index("</p>\n", start) + len("</p>\n")
    return body[:end], body[end:]


def _html_block(block) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{_html_inline(block.parts)}</h{block.level}>\n"
    if isinstance(block, Para):
        return f"<p{_class(block.cls)}>{_html_inline(block.parts)}</p>\n"
    if isinstance(block, Markdown):
        return markdown_to_html(block.source, block.base_level)
    if isinstance(block, Bullets):
        items = "".join(_html_item(item) for item in block.items)
        return f"<ul{_class(block.cls)}>\n{items}</ul>\n"
    if isinstance(block, Grid):
        header = "".join(f"<th>{escape(h)}</th>" for h in block.header)
        rows = "".join("<tr>" + "".join(f"<td>{_html_inline(cell)}</td>" for cell in cells) + "</tr>\n"
                       for cells in block.rows)
        return f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
    raise TypeError(f"unknown block {block!r}")


def _html_item(item: Item) -> str:
    inner = "".join(_html_block(block) for block in item.blocks)
    return f"<li{_class(item.cls)}>{_html_inline(item.parts)}{chr(10) + inner if inner else ''}</li>\n"


def _class(name: str) -> str:
    return f' class="{escape(name)}"' if name else ""


def _html_inline(parts: Parts) -> str:
    out = []
    for kind, value in parts:
        if kind == "text":
            out.append(escape(value))
        elif kind == "code":
            out.append(f"<code>{escape(value)}</code>")
        elif kind == "strong":
            out.append(f"<strong>{escape(value)}</strong>")
        elif kind == "em":
            out.append(f"<em>{escape(value)}</em>")
        elif kind in ("md", "authored"):
            out.append(inline_to_html(value))
        elif kind == "badge":
            out.append(f'<span class="badge {escape(value)}">{escape(_badge_word(value))}</span>')
    return "".join(out)

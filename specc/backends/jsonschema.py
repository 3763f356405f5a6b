"""JSON Schema (draft 2020-12) for every table and record of a spec, one file each.

Vendors and labelling tools validate their exports with JSON Schema long before specc's
DuckDB checks run, so each table's row shape is published as `TABLE.schema.json` and each
record shape as `RECORD.schema.json`. A column typed by a record points at the record's
file with a relative `$ref`, resolved against the file's `$id`
(`https://specc.dev/schemas/SPEC/VERSION/NAME.schema.json`), so nested exports (a record
holding a list of spans) validate as a whole.

Mapping decisions, which every consumer of these files relies on:

- **Nulls.** A column is required when it is `required`, `key`, or part of the table's
  `primary key`: it is listed in `required` and null is rejected. Any other column may be
  absent or null: its `type` becomes `[T, "null"]` (null is also added to its `enum`, and
  a `$ref` becomes `anyOf: [{$ref}, {"type": "null"}]`). Items inside a list are never null.
  In the table of a `spans` task, a row whose span and label are null says "annotated,
  found nothing" (see `checks/found_nothing.py`): there the required columns other than the
  unit and annotator admit null, and `if` (span and label null) / `else` (each of them not
  null) rejects null everywhere else, as the SQL `required` checks do.
- **Labels.** A taxonomy-typed column is `{"type": "string", "enum": [codes]}`, the codes
  being those `LabelTree.allowed` gives (all, `leaves`, or `under "CODE"`), in taxonomy
  order. Label texts ride alongside as annotations that validators ignore:
  `"x-taxonomy": NAME` and `"x-labels": {CODE: {"title", "description", "deprecated",
  "aliases"}}`. Keeping them out of a `oneOf` of `const`s keeps validation a plain `enum`
  lookup with a readable error. Deprecated labels are still accepted (the spec's rules
  decide what to do with them); aliases are not valid values.
- **Patterns** are full matches in the spec, so they are anchored as `^(?:REGEX)$`.
- **Not expressible per row.** `references`, `unique`, `key` and `primary key` relate rows
  to other rows or tables, which JSON Schema cannot check. They are kept as annotations
  (`"x-references": "table.column"` and `"x-unique": true` on the column,
  `"x-primary-key": [columns]` on the table) and enforced by the SQL checks. Rules,
  tasks and metrics have no JSON Schema form at all. `length != N` and `items != N` are
  dropped because the AST does not keep N.
- `strict` tables get `"additionalProperties": false`; records stay open, since one record
  shape may be shared by strict and lenient tables.
- Timestamps are `{"type": "string", "format": "date-time"}`; draft 2020-12 treats
  `format` as an annotation unless a validator opts in to format assertion.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .. import ast
from ..checks.found_nothing import found_nothing
from ..resolve import CheckedSpec
from ..taxonomy import LabelTree
from .base import Backend, canonical_json

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE_URI = "https://specc.dev/schemas"

SCALARS = {
    "string": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "timestamp": {"type": "string", "format": "date-time"},
}
BOUND_KEYWORDS = {">=": "minimum", ">": "exclusiveMinimum", "<=": "maximum", "<": "exclusiveMaximum"}
LENGTH_KEYWORDS = {"length": ("minLength", "maxLength"), "items": ("minItems", "maxItems")}
_LEADING_FLAGS = re.compile(r"^\(\?([a-zA-Z]+)\)")


class JsonSchemaBackend(Backend):
    name = "jsonschema"
    description = "JSON Schema (draft 2020-12): one file per table and per record"

    def render(self, checked: CheckedSpec) -> dict[str, str]:
        return {name: canonical_json(schema) for name, schema in schemas(checked).items()}


def schemas(checked: CheckedSpec) -> dict[str, dict]:
    """File name -> schema, records first, then tables, each in declaration order."""
    builder = _Builder(checked)
    documents = {schema_file(name): builder.record(record) for name, record in checked.records.items()}
    documents.update({schema_file(name): builder.table(table) for name, table in checked.tables.items()})
    return documents


def schema_file(name: str) -> str:
    """The file (and relative URI) of a table's or record's schema; odd names are %-escaped."""
    return quote(name, safe="") + ".schema.json"


def base_uri(checked: CheckedSpec) -> str:
    """The directory URI every `$id` of this spec lives under, ending with `/`."""
    version = checked.version or "unversioned"
    return f"{BASE_URI}/{quote(checked.name, safe='')}/{quote(version, safe='')}/"


def full_match(regex: str) -> str:
    """Anchor a spec pattern; a leading `(?i)` becomes a scoped group so it stays legal."""
    flags = _LEADING_FLAGS.match(regex)
    if flags:
        return f"^(?{flags.group(1)}:{regex[flags.end():]})$"
    return f"^(?:{regex})$"


class _Builder:
    def __init__(self, checked: CheckedSpec):
        self.checked = checked
        self.base = base_uri(checked)

    def table(self, table: ast.Table) -> dict:
        keys = {key.text for key in table.primary_key}
        nothing = found_nothing(self.checked, table)
        exempt = frozenset(c.name.text for c in table.columns if nothing and _is_required(c, keys)
                           and c.name.text not in nothing.still_required)
        schema = self.object(table.name.text, table.title, table.guideline, table.columns, keys, exempt)
        if exempt:  # a spans table's "annotated, found nothing" row may leave them null
            schema["if"] = {"properties": {name: {"type": "null"} for name in nothing.empty_columns}}
            schema["else"] = {"properties": {name: {"not": {"type": "null"}} for name in sorted(exempt)}}
        if table.strict:
            schema["additionalProperties"] = False
        primary = _primary_key(table)
        if primary:
            schema["x-primary-key"] = primary
        return schema

    def record(self, record: ast.Record) -> dict:
        return self.object(record.name.text, record.title, None, record.columns, set())

    def object(self, name: str, title: str | None, guideline: str | None, columns, keys: set[str],
               nullable: frozenset[str] = frozenset()) -> dict:  # fmt: skip
        schema = {"$schema": DIALECT, "$id": self.base + schema_file(name), "title": title or name}
        if guideline:
            schema["description"] = guideline.strip()
        schema["type"] = "object"
        schema["properties"] = {column.name.text: self.column(column, _is_required(column, keys)
                                                              and column.name.text not in nullable)
                                for column in columns}
        required = [column.name.text for column in columns if _is_required(column, keys)]
        if required:
            schema["required"] = required
        return schema

    def column(self, column: ast.Column, required: bool) -> dict:
        value = self.value(column.type)
        for constraint in column.constraints:
            _merge(value, _constraint_schema(constraint))
        if not required:
            value = _admit_null(value)
        descriptions = [c.text.strip() for c in column.find(ast.Description)]
        schema = {"description": "\n\n".join(descriptions)} if descriptions else {}
        schema.update(value)
        schema.update(_row_annotations(column))
        return schema

    def value(self, type_ref: ast.TypeRef) -> dict:
        if isinstance(type_ref, ast.ListType):
            return {"type": "array", "items": self.value(type_ref.item)}
        if isinstance(type_ref, ast.NamedType):
            name = type_ref.name.text
            if name in SCALARS:
                return dict(SCALARS[name])
            if name in self.checked.records:
                return {"$ref": schema_file(name)}
            return _labels(self.checked.taxonomies[name], type_ref)
        return _labels(self.checked.taxonomies[type_ref.taxonomy.text], type_ref)


def _labels(tree: LabelTree, selection: ast.TypeRef) -> dict:
    codes = tree.allowed(selection)
    return {"type": "string", "enum": codes, "x-taxonomy": tree.name,
            "x-labels": {code: _label_note(tree.nodes[code].label) for code in codes}}


def _label_note(label: ast.Label) -> dict:
    note = {"title": label.display or label.code.text}
    if label.description:
        note["description"] = label.description
    if label.deprecated:
        note["deprecated"] = True
    if label.aliases:
        note["aliases"] = list(label.aliases)
    return note


def _constraint_schema(constraint) -> dict:
    """The per-value keywords of one constraint; {} for those JSON Schema cannot express."""
    if isinstance(constraint, ast.Bound):
        if constraint.operator == "=":
            return {"const": constraint.value}
        if constraint.operator == "!=":
            return {"not": {"const": constraint.value}}
        return {BOUND_KEYWORDS[constraint.operator]: constraint.value}
    if isinstance(constraint, ast.Range):
        return {"minimum": constraint.low, "maximum": constraint.high}
    if isinstance(constraint, ast.Pattern):
        return {"pattern": full_match(constraint.regex)}
    if isinstance(constraint, ast.LengthBound):
        low_keyword, high_keyword = LENGTH_KEYWORDS[constraint.what]
        bounds = {low_keyword: constraint.low, high_keyword: constraint.high}
        return {keyword: bound for keyword, bound in bounds.items() if bound is not None}
    if isinstance(constraint, ast.OneOf):
        return {"enum": [literal.value for literal in constraint.values]}
    return {}


def _merge(schema: dict, fragment: dict) -> None:
    """Add a constraint's keywords; if one is already set differently, both must hold (allOf)."""
    if any(key in schema and schema[key] != value for key, value in fragment.items()):
        schema.setdefault("allOf", []).append(fragment)
    else:
        schema.update(fragment)


def _admit_null(schema: dict) -> dict:
    if "type" not in schema:  # a $ref to a record
        return {"anyOf": [schema, {"type": "null"}]}
    admitted = dict(schema)
    admitted["type"] = [schema["type"], "null"]
    return _admit_null_in_values(admitted)


def _admit_null_in_values(schema: dict) -> dict:
    """`enum`, `const` and the `allOf` parts holding them must also let null through."""
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    if "const" in schema:
        admitted = {"enum": [schema.pop("const"), None]}
        _merge(schema, admitted)  # an existing enum must still be intersected, not replaced
    if "allOf" in schema:
        schema["allOf"] = [_admit_null_in_values(dict(part)) for part in schema["allOf"]]
    return schema


def _row_annotations(column: ast.Column) -> dict:
    notes: dict = {}
    if column.has(ast.Key) or column.has(ast.Unique):
        notes["x-unique"] = True
    targets = [str(reference.target) for reference in column.find(ast.References)]
    if targets:
        notes["x-references"] = targets[0] if len(targets) == 1 else targets
    return notes


def _is_required(column: ast.Column, primary_key: set[str]) -> bool:
    return column.has(ast.Required) or column.has(ast.Key) or column.name.text in primary_key


def _primary_key(table: ast.Table) -> list[str]:
    if table.primary_key:
        return [key.text for key in table.primary_key]
    keys = [column.name.text for column in table.columns if column.has(ast.Key)]
    return keys if len(keys) == 1 else []

"""doccano JSONL exports: text classification and sequence labelling (`doccano:PATH`).

doccano exports one JSON object per line: `{"id": 7, "text": "...", "label": [...], ...}`.
When annotations are not shared between members, it writes one file per member,
`USERNAME.jsonl` (zipped); bind the unzipped folder and each file is one annotator's work.
Which rows come out depends on the columns the declared table asks for:

**Sequence labelling** (the table declares `start` or `end`): one row per span, in file, line
and span order. Spans come from `label` or `labels` as `[start, end, "TAG"]` triples, or from
`entities` as objects `{"start_offset", "end_offset", "label"}` (doccano's relation export;
an object may carry its own `user` or `annotator`). A record with no span (`"label": []`, or
null) gives one row with `start`, `end`, `label` and `span_text` null: the annotator
annotated it and found nothing, which span agreement counts against the other annotators'
spans (and which `required` does not report; see docs/metrics.md). Columns:

| column | value |
|---|---|
| `id` | the record's `id` (or `doc_id`) as text; its record number in its file when absent |
| `text` | the record's `text` (or `data`) |
| `start`, `end` | the span's character offsets, counted from 0, end exclusive (as doccano writes them) |
| `label` | the span's tag (a number is kept as text) |
| `span_text` | the text the offsets cover: `substring(text, start + 1, end - start)` |
| `annotator` | see below |

**Text classification** (the table declares `label` but not `start`/`end`): one row per
record and label. Labels come from `label` (doccano 1.x), `labels` (older exports) or `cats`
(a list, or an object `{"LABEL": true|score}` keeping labels whose value is true or a score
of at least 0.5); a single string counts as a list of one. Columns: `id`, `text`,
`label` (one label), `labels` (all the record's labels, as doccano exported them), `annotator`.
A record with no label still gives one row, with `label` null, so `required` can report it.

**One row per record** (neither): `id`, `text`, `annotator`, and `labels` when declared —
for a `documents` table read from the same export as its spans.

`annotator` is the record's `annotator`, `username` or `user` key when it has one (a span
object's own `user` or `annotator` wins for its span); otherwise the stem of its file name
(`alice.jsonl` -> `alice`), except doccano's shared export `all.jsonl`, which gives null.
Offsets are counted in Unicode characters, as DuckDB's `length` and `substring` count them.
Every mode also offers `line`, the record's line in its file, so samples can point there.
Any other declared column is read from the record's key of the same name (see `common`).

Malformed exports stop with a `UsageError` at `FILE:LINE` naming the record (number and id)
and the field: a line that is not a JSON object, no `text`, no label field, a label that is
not a string, a span that is not a triple or object, offsets that are not integers, or a span
that ends before it starts. Spans outside their text or empty are data faults, loaded for the
`spans` task's `span_bounds` check to report.
"""

from __future__ import annotations

from ..sqlsafe import identifier
from . import common
from .common import id_text, is_integer, is_kind, is_string_or_null, key, kind

SPAN_KEYS = ("label", "labels", "entities")
CATEGORY_KEYS = ("label", "labels", "cats")
ANNOTATOR_KEYS = ("annotator", "username", "user")


def _first_present(names) -> tuple[str, str]:
    """SQL for the first of `names` present in the record: (its value, its name)."""
    value = "coalesce(" + ", ".join(key("j", n) for n in names) + ")"
    name = "CASE " + " ".join(f"WHEN {key('j', n)} IS NOT NULL THEN '{n}'" for n in names) + " END"
    return value, name


RECORD_ID = f"coalesce({id_text(key('j', 'id'))}, {id_text(key('j', 'doc_id'))}, CAST(record AS VARCHAR))"
TEXT = f"coalesce({key('j', 'text')}, {key('j', 'data')})"
FILE_ANNOTATOR = f"nullif({common.file_stem('file')}, 'all')"
RECORD_ANNOTATOR = "coalesce(" + ", ".join(id_text(key("j", n)) for n in ANNOTATOR_KEYS) + f", {FILE_ANNOTATOR})"


class DoccanoReader:
    name = "doccano"

    def relation(self, con, binding, table) -> tuple[str, list]:
        records = common.read_records(con, binding)
        spans = common.declares(table, "start", "end")
        categories = not spans and common.declares(table, "label", "labels")
        common.raise_first(con, binding, _record_problems(records, spans, categories))
        if spans:
            common.raise_first(con, binding, _span_problems(records))
            return self._spans(con, binding, table, records)
        return self._categories(con, binding, table, records, per_label=common.declares(table, "label"))

    def _spans(self, con, binding, table, records):
        staged = common.stage(binding, "spans")
        offset = "CAST(json_extract_string({}, '$') AS BIGINT)"
        common.execute(con, f"""
            CREATE OR REPLACE TEMP TABLE {identifier(staged)} AS
            SELECT *, {offset.format(_span_part('span', 0, 'start_offset'))} AS span_start,
                      {offset.format(_span_part('span', 1, 'end_offset'))} AS span_end,
                      json_extract_string({_span_part('span', 2, 'label')}, '$') AS span_label,
                      json_extract_string({TEXT}, '$') AS record_text
            FROM (SELECT file, line, record, j, unnest(spans) AS span, generate_subscripts(spans, 1) AS index
                  FROM (SELECT *, {_spans_or_nothing(_first_present(SPAN_KEYS)[0])} AS spans
                        FROM {identifier(records)}))
            ORDER BY file, line, index""", binding)
        columns = {
            "id": RECORD_ID,
            "text": "record_text",
            "start": "span_start",
            "end": "span_end",
            "label": "span_label",
            "span_text": "substring(record_text, span_start + 1, span_end - span_start)",
            "annotator": "coalesce(" + ", ".join(id_text(key("span", n)) for n in ("user", "annotator"))
                         + f", {RECORD_ANNOTATOR})",
            "line": "line",
        }
        projections = common.wanted(table, columns) + common.declared_extras(con, binding, records, table, columns)
        select = f"SELECT {common.projections(binding, projections)} FROM {identifier(staged)} ORDER BY file, line, index"
        return common.finish(con, binding, select, staged, records)

    def _categories(self, con, binding, table, records, per_label: bool):
        columns = {
            "id": RECORD_ID,
            "text": f"json_extract_string({TEXT}, '$')",
            "label": "label",
            "labels": "labels",
            "annotator": RECORD_ANNOTATOR,
            "line": "line",
        }
        if not per_label:
            columns.pop("label")
        projections = common.wanted(table, columns) + common.declared_extras(con, binding, records, table, columns)
        # A record without labels still gives one row (label null), so `required` sees it.
        at_least_one = "CASE WHEN len(labels) > 0 THEN labels ELSE [NULL] END"
        one_per_label = (f"unnest({at_least_one}) AS label, generate_subscripts({at_least_one}, 1) AS index, "
                         if per_label else "1 AS index, ")
        labelled = f"SELECT *, {_label_list(_first_present(CATEGORY_KEYS)[0])} AS labels FROM {identifier(records)}"
        select = (f"SELECT {common.projections(binding, projections)} FROM (SELECT {one_per_label}* FROM ({labelled})) "
                  f"ORDER BY file, line, index")
        return common.finish(con, binding, select, records)


def _spans_or_nothing(value: str) -> str:
    """The record's spans as a list of JSON values; a record with none (`[]` or null) gives one
    NULL, which becomes its "annotated, found nothing" row."""
    return (f"CASE WHEN json_type({value}) = 'ARRAY' AND json_array_length({value}) > 0 "
            f"THEN json_transform({value}, '[\"JSON\"]') ELSE [NULL::JSON] END")


def _span_part(span: str, index: int, name: str) -> str:
    """Part of a span: item `index` of a triple, or the key `name` of an object."""
    return f"CASE json_type({span}) WHEN 'ARRAY' THEN json_extract({span}, {index}) ELSE {key(span, name)} END"


def _label_list(value: str) -> str:
    """Labels as a list of strings from a list, a single string or a `cats` object."""
    chosen = ("list_transform(list_filter(map_entries(CAST({v} AS MAP(VARCHAR, JSON))), lambda e: "
              "CASE json_type(e.value) WHEN 'BOOLEAN' THEN e.value::VARCHAR = 'true' "
              "WHEN 'VARCHAR' THEN FALSE ELSE TRY_CAST(e.value::VARCHAR AS DOUBLE) >= 0.5 END), lambda e: e.key)")
    return (f"CASE json_type({value}) WHEN 'ARRAY' THEN json_transform({value}, '[\"VARCHAR\"]') "
            f"WHEN 'VARCHAR' THEN [json_extract_string({value}, '$')] "
            f"WHEN 'OBJECT' THEN {chosen.format(v=value)} END")


def _record_problems(records: str, spans: bool, categories: bool) -> str:
    """One problem (or null) per record: its text, and the field holding its labels or spans."""
    names = SPAN_KEYS if spans else CATEGORY_KEYS
    value, name = _first_present(names)
    either = " or ".join(f"`{n}`" for n in names)
    checks = [
        (f"{TEXT} IS NULL", "'text'", "'is missing (doccano exports the document as `text`)'"),
        (f"NOT {is_string_or_null(TEXT)}", "'text'", f"'must be a string, found ' || {kind(TEXT)}"),
    ]
    if spans:
        checks += [
            (f"{value} IS NULL", "'label'", f"'is missing: a sequence-labelling record needs {either}'"),
            (f"json_type({value}) NOT IN ('ARRAY', 'NULL')", name,
             f"'must be a list of spans, found ' || {kind(value)}"),
        ]
    elif categories:
        items_ok = (f"len(list_filter(json_transform({value}, '[\"JSON\"]'), "
                    f"lambda x: json_type(x) <> 'VARCHAR')) = 0")
        bad_item = (f"list_filter(list_transform(json_transform({value}, '[\"JSON\"]'), "
                    f"lambda x, i: CASE WHEN json_type(x) <> 'VARCHAR' THEN 'item ' || i || ' is ' || {kind('x')} END), "
                    f"lambda m: m IS NOT NULL)[1]")
        cats_ok = (f"len(list_filter(map_values(CAST({value} AS MAP(VARCHAR, JSON))), "
                   f"lambda v: json_type(v) NOT IN ('BOOLEAN', 'BIGINT', 'UBIGINT', 'DOUBLE'))) = 0")
        checks += [
            (f"{value} IS NULL", "'label'", f"'is missing: a text-classification record needs {either}'"),
            (f"json_type({value}) NOT IN ('ARRAY', 'VARCHAR', 'OBJECT', 'NULL')", name,
             f"'must be a list of labels, found ' || {kind(value)}"),
            (f"json_type({value}) = 'ARRAY' AND NOT {items_ok}", name,
             f"'must be a list of label strings: ' || {bad_item} || "
             "' (for spans, declare `start` and `end` in the table)'"),
            (f"json_type({value}) = 'OBJECT' AND NOT {cats_ok}", name,
             "'must map each label to true/false or a score'"),
        ]
    cases = " ".join(f"WHEN {condition} THEN {message}" for condition, _, message in checks)
    fields = " ".join(f"WHEN {condition} THEN {field}" for condition, field, _ in checks)
    return (f"SELECT file, line, record, {id_text(key('j', 'id'))} AS id, CASE {fields} END AS field, "
            f"CASE {cases} END AS problem FROM {identifier(records)}")


def _span_problems(records: str) -> str:
    """One problem (or null) per span: its shape, integer offsets, a label, end >= start."""
    value, name = _first_present(SPAN_KEYS)
    start, end, label = _span_part("s", 0, "start_offset"), _span_part("s", 1, "end_offset"), _span_part("s", 2, "label")
    checks = [
        (f"NOT {is_kind('s', 'ARRAY', 'OBJECT')}",
         f"'is ' || {kind('s')} || ', not [start, end, label] (a text-classification export? "
         "declare `label` without `start` and `end`)'"),
        ("json_type(s) = 'ARRAY' AND json_array_length(s) <> 3",
         "'has ' || json_array_length(s) || ' items, not [start, end, label]'"),
        (f"NOT {is_integer(start)}",
         f"'start offset must be an integer, found ' || {kind(start)}"),
        (f"NOT {is_integer(end)}",
         f"'end offset must be an integer, found ' || {kind(end)}"),
        (f"NOT {is_kind(label, 'VARCHAR', 'BIGINT', 'UBIGINT')}",
         f"'label must be a string, found ' || {kind(label)}"),
        (f"TRY_CAST(json_extract_string({end}, '$') AS HUGEINT) < TRY_CAST(json_extract_string({start}, '$') AS HUGEINT)",
         f"'ends (' || json_extract_string({end}, '$') || ') before it starts (' || json_extract_string({start}, '$') || ')'"),
    ]
    cases = " ".join(f"WHEN {condition} THEN 'span ' || index || ' ' || {message}" for condition, message in checks)
    return (f"SELECT file, line, record, {id_text(key('j', 'id'))} AS id, field, CASE {cases} END AS problem "
            f"FROM (SELECT file, line, record, j, {name} AS field, "
            f"unnest(json_transform({value}, '[\"JSON\"]')) AS s, "
            f"generate_subscripts(json_transform({value}, '[\"JSON\"]'), 1) AS index "
            f"FROM {identifier(records)} WHERE json_type({value}) = 'ARRAY')")


READER = DoccanoReader()

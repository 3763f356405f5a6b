"""Label Studio JSON exports, read inside DuckDB as the rows of one declared table.

Label Studio's JSON export is a list of tasks:
`{"id", "data": {KEY: …}, "annotations": [{"id", "completed_by", "lead_time", "created_at",
"result": [{"id", "from_name", "to_name", "type", "value": {…}}]}]}`. Bind it with
`--data TABLE=labelstudio:export.json` (a file, a folder or a glob) or `source
"labelstudio:export.json"` in the table. The table declares, by name, the columns it wants:

| column | from |
|---|---|
| `task_id` | the task's `id` |
| `annotation_id`, `lead_time`, `created_at`, `was_cancelled`, `ground_truth` | the annotation's field of that name (`lead_time` is in seconds) |
| `annotator` | `completed_by`: its `email` when it is an object (else its `id`), or the plain id, as text |
| `result_id`, `from_name`, `to_name`, `type` | the result item's field of that name |
| `start`, `end`, `span_text` | `value.start`, `value.end`, `value.text` of a span (`labels`) |
| `label` | the first of `value.labels` or `value.choices`, or the last code of the first `value.taxonomy` path |
| `labels` | all of them, as a list (a taxonomy gives the last code of each path) |
| `rating` | `value.rating` |
| `ranking` | the ids of `value.ranker`, bucket after bucket (Label Studio's internal `_` bucket left out) |
| `selected` | `value.selected` of a `Pairwise` control (`left` or `right`) |
| `chosen`, `rejected` | the names of the selected and the other object of the pair (from `to_name`, left first) |
| `answer` | the lines of a `TextArea` answer (`value.text`), joined by newlines |
| any other name `KEY` | the task's `data.KEY` (e.g. `text`) |

Scalars arrive as the JSON's text, so the declared type decides and a value that cannot be
read as it is counted by `TABLE.COLUMN.type`, as for a CSV file; span offsets are checked to
be whole numbers and arrive as integers. Declared columns the export lacks are left out (the
usual missing-column rules apply); undeclared ones are never read.

**Which result items become rows.** One row per result item (one region, or one control's
answer in one annotation), chosen by the columns the table declares:

- `start`, `end` or `span_text` -> span results (`type` `labels`);
- `rating` -> `rating`; `ranking` -> `ranker`; `selected`, `chosen` or `rejected` -> `pairwise`;
  `answer` -> `textarea`;
- otherwise `label` or `labels` -> `choices` and `taxonomy`;
- none of these, but `result_id`, `from_name`, `to_name` or `type` -> every result item;
- no result column at all -> one row per annotation (an annotations table: who, when, how long).

A table declaring columns of two kinds (`rating` and `start`) is an error. To read one control
of several of the same kind (two `Choices`), name it after the path: `labelstudio:export.json#sentiment`
keeps the result items whose `from_name` is `sentiment`, whatever their type. Predictions
(model pre-annotations) are not read: they are not an annotator's work. Cancelled (skipped)
annotations carry no result items, so they give no rows unless the table is an annotations table.

**An annotation that found nothing.** For a span table, a submitted annotation with no span
result (an empty `result`, or only results of other controls) gives one row with the task's
and the annotation's columns and the result's columns (`start`, `end`, `label`,
`span_text`, `from_name`, …) null: the annotator annotated the task and marked nothing, which
span agreement counts against the other annotators' spans (and `required` does not report).
A cancelled annotation gives no such row.

A malformed export (invalid JSON, not a list, a task without `annotations`, a result without
`value`, a span with offsets that are not whole numbers, …) is one `UsageError` naming the
file, the task (index and id) and the field as a JSON path.

Offsets are compared with the text as specc counts characters (code points); Label Studio
counts JavaScript string positions, which differ after a character outside the Basic
Multilingual Plane (an emoji), so `span_text_matches` may flag spans behind one.
"""

from __future__ import annotations

import re

import duckdb

from .. import ast
from ..diagnostics import UsageError
from ..sqlsafe import identifier, literal

# Expressions over the level tables: fields of tasks and annotations are taken out of their JSON
# once, when the levels are written (`_task_id`, `_completed_by`…), so a row does not parse its
# whole task again; `r` is the result item and `v` its value.
TASK_COLUMNS = {"task_id": "_task_id"}

ANNOTATION_COLUMNS = {
    "annotation_id": "_annotation_id",
    "annotator": ("CASE WHEN json_type(_completed_by) = 'OBJECT' "
                  "THEN coalesce(_completed_by->>'email', _completed_by->>'id') "
                  "ELSE _completed_by->>'$' END"),
    "lead_time": "_lead_time",
    "created_at": "_created_at",
    "was_cancelled": "_was_cancelled",
    "ground_truth": "_ground_truth",
}

_LABEL_LIST = ("CASE result_type "
               "WHEN 'labels' THEN json_extract_string(v, '$.labels[*]') "
               "WHEN 'choices' THEN json_extract_string(v, '$.choices[*]') "
               "WHEN 'taxonomy' THEN list_transform(json_extract(v, '$.taxonomy[*]'), lambda p: p->>'$[#-1]') END")
_RANKER_IDS = ("flatten(list_transform(list_filter(list_zip(json_keys(v->'ranker'), json_extract(v->'ranker', '$.*')), "
               "lambda b: b[1] <> '_'), lambda b: json_extract_string(b[2], '$[*]')))")

RESULT_COLUMNS = {
    "result_id": "r->>'id'",
    "from_name": "r->>'from_name'",
    "to_name": "r->>'to_name'",
    "type": "result_type",
    "start": "TRY_CAST(v->>'start' AS BIGINT)",
    "end": "TRY_CAST(v->>'end' AS BIGINT)",
    "span_text": "CASE WHEN json_type(v->'text') = 'VARCHAR' THEN v->>'text' END",
    "label": f"({_LABEL_LIST})[1]",
    "labels": _LABEL_LIST,
    "rating": "v->>'rating'",
    "ranking": f"CASE WHEN json_type(v->'ranker') = 'OBJECT' THEN {_RANKER_IDS} END",
    "selected": "v->>'selected'",
    "chosen": ("CASE v->>'selected' WHEN 'left' THEN split_part(r->>'to_name', ',', 1) "
               "WHEN 'right' THEN split_part(r->>'to_name', ',', 2) END"),
    "rejected": ("CASE v->>'selected' WHEN 'left' THEN split_part(r->>'to_name', ',', 2) "
                 "WHEN 'right' THEN split_part(r->>'to_name', ',', 1) END"),
    "answer": ("CASE WHEN result_type = 'textarea' "
               "THEN array_to_string(json_extract_string(v, '$.text[*]'), chr(10)) END"),
}

# Which result types a table gets, by the columns it declares; `choices` only when no other kind is declared.
RESULT_KINDS = {
    "spans": (("start", "end", "span_text"), ("labels",)),
    "rating": (("rating",), ("rating",)),
    "ranking": (("ranking",), ("ranker",)),
    "pairwise": (("selected", "chosen", "rejected"), ("pairwise",)),
    "textarea": (("answer",), ("textarea",)),
}
CHOICE_KIND = (("label", "labels"), ("choices", "taxonomy"))
GENERIC_RESULT_COLUMNS = ("result_id", "from_name", "to_name", "type")

SCALAR_DUCKDB = {"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "timestamp": "TIMESTAMP"}

_TEMP_PREFIX = "__specc_labelstudio"


class LabelStudioReader:
    """`relation(con, binding, table)`: the export read into a temporary table of the declared columns."""

    def relation(self, con: duckdb.DuckDBPyConnection, binding, table: ast.Table) -> tuple[str, list]:
        declared = [c.name.text for c in table.columns]
        selector = _selector(binding.path)
        types = result_types(binding.table, declared, selector, binding.path)
        spans = bool(set(declared) & set(RESULT_KINDS["spans"][0]))
        levels = _Levels(binding.table)
        output = identifier(f"{_TEMP_PREFIX}_{binding.table}")
        try:
            _read_tasks(con, binding.files, levels.tasks)
            _explode(con, levels)
            _validate(con, levels)
            data_keys = _data_keys(con, levels.tasks)
            columns, parameters = _columns(con, table, types, data_keys, levels.tasks)
            if len(binding.files) > 1:
                columns.append(("filename", "filename"))
            _build(con, levels, output, columns, parameters, types, selector, spans)
            if selector is not None:
                _check_selector(con, levels, selector, binding.path)
        except duckdb.Error as exc:
            raise UsageError(f"cannot read the Label Studio export: {_first_line(exc)}", where=binding.path) from None
        finally:
            levels.drop(con)
        return output, []


class _Levels:
    """Temporary tables of the export's three levels: tasks, annotations, result items."""

    def __init__(self, table: str):
        self.tasks, self.annotations, self.results = (
            identifier(f"{_TEMP_PREFIX}_{level}_{table}") for level in ("tasks", "annotations", "results"))

    def drop(self, con) -> None:
        for name in (self.results, self.annotations, self.tasks):
            con.execute(f"DROP TABLE IF EXISTS {name}")


READER = LabelStudioReader()


# ---- which result items ---------------------------------------------------------------------


def result_types(table: str, declared: list[str], selector: str | None, where: str) -> tuple[str, ...] | None:
    """The result types a table reads; `()` for every type, `None` for one row per annotation."""
    names = set(declared)
    kinds = {kind: found for kind, (columns, found) in RESULT_KINDS.items() if names & set(columns)}
    if not kinds and names & set(CHOICE_KIND[0]):
        kinds = {"choices": CHOICE_KIND[1]}
    if selector is not None:
        return ()
    if len(kinds) > 1:
        spelled = "; ".join(f"{kind}: " + ", ".join(f"`{c}`" for c in declared if c in _deciding(kind))
                            for kind in kinds)
        raise UsageError(
            f"table `{table}` declares columns of several kinds of Label Studio results ({spelled}); "
            f"declare one table per control, or pick one control with `labelstudio:PATH#FROM_NAME`",
            where=where)
    if kinds:
        return next(iter(kinds.values()))
    if names & set(GENERIC_RESULT_COLUMNS):
        return ()
    return None


def _deciding(kind: str) -> tuple[str, ...]:
    return RESULT_KINDS[kind][0] if kind in RESULT_KINDS else CHOICE_KIND[0]


def _selector(path: str) -> str | None:
    """`labelstudio:export.json#sentiment` -> `sentiment` (the control's `from_name`)."""
    _, _, rest = path.partition(":")
    _, sep, selector = rest.partition("#")
    return selector if sep and selector else None


# ---- reading and validating -----------------------------------------------------------------


def _read_tasks(con, files: tuple[str, ...], tasks: str) -> None:
    """One row per task: file, index in the file's list, the task as JSON; the files must be JSON lists."""
    listed = "[" + ", ".join(literal(f) for f in files) + "]"
    documents = identifier(f"{_TEMP_PREFIX}_documents")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {documents} AS "
                f"SELECT filename, content, json_valid(content) AS valid FROM read_text({listed})")
    problem = con.execute(
        f"SELECT filename, valid, kind FROM (SELECT filename, valid, "
        f"CASE WHEN valid THEN json_type(content::JSON) END AS kind FROM {documents}) "
        f"WHERE NOT valid OR kind <> 'ARRAY' ORDER BY filename LIMIT 1").fetchall()
    if problem:
        problem = problem[0]
        con.execute(f"DROP TABLE {documents}")
        filename, valid, kind = problem
        message = ("is not valid JSON" if not valid else f"must be a JSON list of tasks, found {_describe(kind)}")
        raise UsageError(f"not a Label Studio JSON export: the file {message}", where=filename)
    # unnest beside generate_subscripts in one select list: the two run in step, and unlike a
    # lateral join they do not copy the whole document onto every task
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {tasks} AS "
        f"SELECT *, CASE WHEN json_type(t) = 'OBJECT' THEN t->>'id' END AS _task_id, "
        f"CASE WHEN json_type(t) = 'OBJECT' THEN t->'data' END AS _data FROM ("
        f"SELECT filename, generate_subscripts(items, 1) - 1 AS task_index, unnest(items) AS t "
        f"FROM (SELECT filename, json_extract(content, '$[*]') AS items FROM {documents}))")
    con.execute(f"DROP TABLE {documents}")


# (stored as, annotation key, JSON operator): `->` keeps JSON, `->>` gives text
_ANNOTATION_FIELDS = (
    ("_annotation_id", "id", "->>"), ("_completed_by", "completed_by", "->"), ("_lead_time", "lead_time", "->>"),
    ("_created_at", "created_at", "->>"), ("_was_cancelled", "was_cancelled", "->>"),
    ("_ground_truth", "ground_truth", "->>"),
)


def _explode(con, levels: _Levels) -> None:
    """The annotations of every well-shaped task and the result items of every well-shaped annotation.

    Each level is written once and joined back by its indexes: a table per level keeps each
    JSON document stored (and parsed) once, where CTEs would be re-expanded per reference.
    """
    fields = ", ".join(f"CASE WHEN json_type(a) = 'OBJECT' THEN a{arrow}{literal(key)} END AS {name}"
                       for name, key, arrow in _ANNOTATION_FIELDS)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {levels.annotations} AS "
        f"SELECT *, {fields} FROM ("
        f"SELECT filename, task_index, generate_subscripts(items, 1) - 1 AS annotation_index, unnest(items) AS a "
        f"FROM (SELECT filename, task_index, json_extract(t, '$.annotations[*]') AS items FROM {levels.tasks} "
        f"WHERE json_type(t) = 'OBJECT' AND json_type(t->'annotations') = 'ARRAY'))")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {levels.results} AS "
        f"SELECT *, r->>'type' AS result_type, r->'value' AS v FROM ("
        f"SELECT filename, task_index, annotation_index, generate_subscripts(items, 1) - 1 AS result_index, "
        f"unnest(items) AS r "
        f"FROM (SELECT filename, task_index, annotation_index, json_extract(a, '$.result[*]') AS items "
        f"FROM {levels.annotations} WHERE json_type(a) = 'OBJECT' AND json_type(a->'result') = 'ARRAY'))")


def _joined(levels: _Levels, level: str) -> str:
    """The FROM clause giving a level's rows with the task (`t`) and, for results, the annotation (`a`)."""
    tasks = f"JOIN {levels.tasks} USING (filename, task_index)"
    if level == "annotation":
        return f"{levels.annotations} {tasks}"
    return f"{levels.results} JOIN {levels.annotations} USING (filename, task_index, annotation_index) {tasks}"


# (level, field, what it must be, the JSON found, the condition for a problem)
_SHAPE = (
    ("task", "", "an object", "t", "json_type(t) <> 'OBJECT'"),
    ("task", ".data", "an object", "t->'data'", "json_type(t) = 'OBJECT' AND json_type(t->'data') IS DISTINCT FROM 'OBJECT'"),
    ("task", ".annotations", "a list of annotations", "t->'annotations'",
     "json_type(t) = 'OBJECT' AND json_type(t->'annotations') IS DISTINCT FROM 'ARRAY'"),
    ("annotation", "", "an object", "a", "json_type(a) <> 'OBJECT'"),
    ("annotation", ".result", "a list of result items", "a->'result'",
     "json_type(a) = 'OBJECT' AND json_type(a->'result') IS DISTINCT FROM 'ARRAY'"),
    ("result", "", "an object", "r", "json_type(r) <> 'OBJECT'"),
    ("result", ".type", "a string", "r->'type'", "json_type(r) = 'OBJECT' AND json_type(r->'type') IS DISTINCT FROM 'VARCHAR'"),
    ("result", ".value", "an object", "v", "json_type(r) = 'OBJECT' AND json_type(v) IS DISTINCT FROM 'OBJECT'"),
    ("result", ".value.start", "a whole number (a character offset)", "v->'start'",
     "result_type = 'labels' AND json_type(v) = 'OBJECT' AND coalesce(json_type(v->'start'), '') NOT IN ('BIGINT', 'UBIGINT')"),
    ("result", ".value.end", "a whole number (a character offset)", "v->'end'",
     "result_type = 'labels' AND json_type(v) = 'OBJECT' AND coalesce(json_type(v->'end'), '') NOT IN ('BIGINT', 'UBIGINT')"),
    ("result", ".value.labels", "a list of labels", "v->'labels'",
     "result_type = 'labels' AND json_type(v) = 'OBJECT' AND json_type(v->'labels') IS DISTINCT FROM 'ARRAY'"),
    ("result", ".value.choices", "a list of choices", "v->'choices'",
     "result_type = 'choices' AND json_type(v) = 'OBJECT' AND json_type(v->'choices') IS DISTINCT FROM 'ARRAY'"),
    ("result", ".value.taxonomy", "a list of label paths (lists)", "v->'taxonomy'",
     "result_type = 'taxonomy' AND json_type(v) = 'OBJECT' AND (json_type(v->'taxonomy') IS DISTINCT FROM 'ARRAY' "
     "OR len(list_filter(json_extract(v, '$.taxonomy[*]'), lambda p: json_type(p) <> 'ARRAY')) > 0)"),
    ("result", ".value.ranker", "an object of buckets", "v->'ranker'",
     "result_type = 'ranker' AND json_type(v) = 'OBJECT' AND json_type(v->'ranker') IS DISTINCT FROM 'OBJECT'"),
)


def _validate(con, levels: _Levels) -> None:
    """Every structural problem in one query; the first (in file order) becomes the error."""
    sources = {"task": levels.tasks, "annotation": _joined(levels, "annotation"), "result": _joined(levels, "result")}
    indexes = {"task": "NULL, NULL", "annotation": "annotation_index, NULL", "result": "annotation_index, result_index"}
    parts = [
        f"SELECT filename, task_index, _task_id, "
        f"{indexes[level]}, {literal(field)}, {literal(expected)}, json_type({found}), "
        f"CASE WHEN json_type({found}) NOT IN ('OBJECT', 'ARRAY') THEN left(CAST({found} AS VARCHAR), 40) END "
        f"FROM {sources[level]} WHERE {condition}"
        for level, field, expected, found, condition in _SHAPE
    ]
    row = con.execute(
        f"WITH problems(filename, task_index, task_id, annotation_index, result_index, "
        f"field, expected, found_type, found_text) AS ({' UNION ALL '.join(parts)}) "
        f"SELECT *, count(*) OVER () FROM problems "
        f"ORDER BY filename, task_index, annotation_index NULLS FIRST, result_index NULLS FIRST, field LIMIT 1"
    ).fetchall()
    if not row:
        return
    row = row[0]
    filename, task_index, task_id, annotation_index, result_index, field, expected, found_type, found_text, total = row
    path = f"$[{task_index}]"
    if annotation_index is not None:
        path += f".annotations[{annotation_index}]"
    if result_index is not None:
        path += f".result[{result_index}]"
    path += field
    task = f"task {task_index}" + (f" (id {task_id})" if task_id is not None else "")
    found = "it is missing" if found_type is None else f"found {_describe(found_type)}" + (
        f" {found_text}" if found_text is not None and found_type != "NULL" else "")
    more = f" (and {total - 1} more problem{'s' if total > 2 else ''})" if total > 1 else ""
    if field == ".annotations" and found_type is None:
        more += "; export the project as \"JSON\" (JSON-MIN and CSV exports leave the annotations out)"
    raise UsageError(f"not a valid Label Studio export: {task}: `{path}` must be {expected}; {found}{more}",
                     where=filename)


def _describe(json_type: str | None) -> str:
    return {
        "OBJECT": "an object", "ARRAY": "a list", "VARCHAR": "a string", "BIGINT": "a number",
        "UBIGINT": "a number", "DOUBLE": "a number", "BOOLEAN": "true or false", "NULL": "null",
    }.get(json_type or "", "nothing")


def _data_keys(con, tasks: str) -> set[str]:
    rows = con.execute(f"SELECT DISTINCT unnest(json_keys(_data)) FROM {tasks} WHERE json_type(_data) = 'OBJECT'").fetchall()
    return {row[0] for row in rows}


# ---- building the rows ----------------------------------------------------------------------


def _columns(con, table: ast.Table, types, data_keys, tasks) -> tuple[list[tuple[str, str]], list]:
    """(name, expression) for every declared column the export can give, and their parameters."""
    available = dict(TASK_COLUMNS)
    available.update(ANNOTATION_COLUMNS)
    if types is not None:
        available.update(RESULT_COLUMNS)
    columns, parameters = [], []
    for column in table.columns:
        name = column.name.text
        if name in available:
            expression = available[name]
            if name == "label" and isinstance(column.type, ast.ListType):
                expression = RESULT_COLUMNS["labels"]
            columns.append((name, expression))
        elif name in data_keys:
            expression, parameter = _data_column(con, tasks, name, column.type)
            columns.append((name, expression))
            parameters.extend(parameter)
    return columns, parameters


def _data_column(con, tasks: str, name: str, declared: ast.TypeRef) -> tuple[str, list]:
    """`data.KEY`: text for scalars (the declared type is applied by the loader), typed lists and records."""
    value = f"_data->{literal(name)}"
    if isinstance(declared, ast.NamedType) and declared.name.text in SCALAR_DUCKDB:
        return f"{value}->>'$'", []
    if isinstance(declared, ast.ListType) and isinstance(declared.item, ast.NamedType) \
            and declared.item.name.text in SCALAR_DUCKDB:
        structure = '["' + SCALAR_DUCKDB[declared.item.name.text] + '"]'
        return f"json_transform({value}, {literal(structure)})", []
    # A taxonomy code, a record, or a list of them: the reader does not see the spec's records,
    # so the shape is taken from the export itself and bound as a parameter, never pasted.
    structure = con.execute(f"SELECT json_group_structure({value}) FROM {tasks}").fetchall()[0][0]
    if structure is None or structure == '"VARCHAR"':
        return f"{value}->>'$'", []
    return f"json_transform({value}, ?)", [structure]


def _build(con, levels: _Levels, output: str, columns, parameters, types, selector, spans: bool) -> None:
    projections = ", ".join(f"{expression} AS {identifier(name)}" for name, expression in columns) or "NULL AS __empty"
    if types is None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {output} AS SELECT {projections} "
                    f"FROM {_joined(levels, 'annotation')} WHERE json_type(a) = 'OBJECT' "
                    f"ORDER BY filename, task_index, annotation_index", parameters)
        return
    where = _result_filter(types, selector)
    rows = f"SELECT {projections}, {_ORDER_COLUMNS} FROM {_joined(levels, 'result')} WHERE {where}"
    if spans:  # an annotation that marked no span still annotated the task: one row says so
        rows += f" UNION ALL {_found_nothing(levels, columns, where)}"
        parameters = parameters + parameters
    order = ", ".join(f"__order_{level}" for level in ("file", "task", "annotation", "result"))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {output} AS SELECT * EXCLUDE ({order}) FROM ({rows}) "
                f"ORDER BY {order} NULLS FIRST", parameters)


# Where a row comes from in the export, to keep the rows in export order.
_ORDER_COLUMNS = ("filename AS __order_file, task_index AS __order_task, annotation_index AS __order_annotation, "
                  "result_index AS __order_result")


def _result_filter(types, selector) -> str:
    """The result items a table reads: of its kinds, from the selected control."""
    where = "json_type(r) = 'OBJECT'"
    if types:
        where += f" AND result_type IN ({', '.join(literal(t) for t in types)})"
    if selector is not None:
        where += f" AND r->>'from_name' = {literal(selector)}"
    return where


def _found_nothing(levels: _Levels, columns, where: str) -> str:
    """One row per submitted annotation with no result item the table reads: the task's and the
    annotation's columns filled, the result's empty. Skipped (cancelled) annotations are not
    annotations of the task, so they give none."""
    projections = ", ".join(f"{'NULL' if name in RESULT_COLUMNS else expression} AS {identifier(name)}"
                            for name, expression in columns) or "NULL AS __empty"
    kept = f"SELECT filename, task_index, annotation_index FROM {levels.results} WHERE {where}"
    return (f"SELECT {projections}, {_ORDER_COLUMNS.replace('result_index', 'NULL')} "
            f"FROM {levels.annotations} ANTI JOIN ({kept}) USING (filename, task_index, annotation_index) "
            f"JOIN {levels.tasks} USING (filename, task_index) "
            f"WHERE json_type(a) = 'OBJECT' AND coalesce(_was_cancelled, 'false') <> 'true'")


def _check_selector(con, levels: _Levels, selector: str, where: str) -> None:
    selected = con.execute(f"SELECT count(*) FROM {levels.results} WHERE json_type(r) = 'OBJECT' "
                           f"AND r->>'from_name' = {literal(selector)}").fetchall()[0][0]
    if selected:
        return
    controls = [row[0] for row in con.execute(
        f"SELECT DISTINCT r->>'from_name' AS name FROM {levels.results} "
        f"WHERE json_type(r) = 'OBJECT' AND r->>'from_name' IS NOT NULL ORDER BY name").fetchall()]
    if not controls:
        return  # no result items at all: an empty delivery, not a wrong selector
    listed = ", ".join(f"`{c}`" for c in controls)
    raise UsageError(f"no result from the control `{selector}` in the export; its controls: {listed}", where=where)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return re.sub(r"\s+", " ", text.splitlines()[0]) if text else type(exc).__name__

"""Issue 8, item 7: span agreement keeps "annotated, found nothing", and spans are a set.

One delivery, three annotators, two documents, strict matching:

    d1 "Alice met Bobby": A PER [0,5) ORG [10,15) · B the same two · C PER [0,5)
    d2 "Rome and Ann":    A LOC [0,4) PER [9,12)  · B found nothing · C LOC [0,4)

Counting B's empty annotation of d2 (by hand):
    (A, B) matched 2, spans 4 and 2 -> F1 4/6;  (A, C) 2, 4, 2 -> 4/6;  (B, C) 1, 2, 2 -> 2/4
    macro F1 = (2/3 + 2/3 + 1/2) / 3 = 11/18;  micro F1 = 2 * 5 / (10 + 6) = 10/16
Dropping it, as the readers did, hid B's miss and raised the figures:
    (A, B) 1;  (A, C) 4/6;  (B, C) matched 1, spans 2 and 1 -> 2/3
    macro F1 = 7/9;  micro F1 = 2 * 5 / (8 + 5) = 10/13
The same delivery is read from a CSV, a doccano export, a Label Studio export and CoNLL
files, through `specc check`, and must give 11/18 with no `required` violation.
"""

from __future__ import annotations

import json
import textwrap

import pandas as pd
import pytest
from metric_tables import table

from specc.metrics import span_agreement
from tests.engine.conftest import run_spec

SPANS = {  # (unit, annotator) -> spans; an empty list is an annotation that found nothing
    (1, "A"): [(0, 5, "PER"), (10, 15, "ORG")],
    (1, "B"): [(0, 5, "PER"), (10, 15, "ORG")],
    (1, "C"): [(0, 5, "PER")],
    (2, "A"): [(0, 4, "LOC"), (9, 12, "PER")],
    (2, "B"): [],
    (2, "C"): [(0, 4, "LOC")],
}
TEXTS = {1: "Alice met Bobby", 2: "Rome and Ann"}
WITH_EMPTY = {"macro": 11 / 18, "micro": 10 / 16, "pairs": [4 / 6, 4 / 6, 2 / 4]}
WITHOUT_EMPTY = {"macro": 7 / 9, "micro": 10 / 13, "pairs": [1.0, 4 / 6, 2 / 3]}


def rows(keep_empty: bool = True) -> list[tuple]:
    found = [(unit, who, *span) for (unit, who), spans in SPANS.items() for span in spans]
    empty = [(unit, who, None, None, None) for (unit, who), spans in SPANS.items() if not spans]
    return found + (empty if keep_empty else [])


def assert_f1s(result, expected: dict) -> None:
    assert (result.macro.f1, result.micro.f1) == pytest.approx((expected["macro"], expected["micro"]))
    assert [pair.scores.f1 for pair in result.pairs] == pytest.approx(expected["pairs"])


def test_python_api_counts_an_annotation_that_found_nothing(con):
    frame = pd.DataFrame(rows(), columns=["doc", "who", "start", "end", "label"])
    result = span_agreement(con, table(con, "spans", frame), unit="doc", annotator="who", mode="strict")
    assert_f1s(result, WITH_EMPTY)
    assert [(p.annotator_a, p.annotator_b, p.units, p.matched, p.spans_a, p.spans_b) for p in result.pairs] == [
        ("A", "B", 2, 2, 4, 2), ("A", "C", 2, 2, 4, 2), ("B", "C", 2, 1, 2, 2)]


def test_without_the_empty_row_the_miss_is_hidden(con):
    frame = pd.DataFrame(rows(keep_empty=False), columns=["doc", "who", "start", "end", "label"])
    result = span_agreement(con, table(con, "spans", frame), unit="doc", annotator="who", mode="strict")
    assert_f1s(result, WITHOUT_EMPTY)
    assert WITHOUT_EMPTY["macro"] > WITH_EMPTY["macro"]


# ---- the same delivery through readers and `specc check` -------------------------------------

SPEC = """
spec empty_annotations
taxonomy Tag {{ PER ORG LOC }}
table spans {{
  {source}
  {columns}
  start      int     required  >= 0
  end        int     required
  label      Tag     required
  span_text  string  required
  annotator  string  required
}}
task ner: spans on spans {{
  unit {unit}  annotator annotator  span start..end  label label  text text  span_text span_text
}}
metric f1: span_f1 strict macro
metric f1_micro: span_f1 strict micro
"""


def check(tmp_path, files: dict, source: str, columns: str, unit: str):
    spec = tmp_path / "spec.aspec"
    spec.write_text(SPEC.format(source=source, columns=columns, unit=unit), encoding="utf-8")
    data = tmp_path / "data"
    for name, content in files.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(content, encoding="utf-8")
    result, _ = run_spec(spec, data)
    return result


def assert_counted(result, rows_expected: int):
    violations = {c.id: c.violations for c in result.checks if c.kind != "metric" and c.violations}
    assert violations == {}  # no `required`, no built-in check flags the found-nothing row
    assert not [c.id for c in result.checks if c.status == "error"]
    metrics = {c.id: c.value for c in result.checks if c.kind == "metric"}
    assert metrics == pytest.approx({"f1": WITH_EMPTY["macro"], "f1_micro": WITH_EMPTY["micro"]})
    assert [i.rows for i in result.inputs] == [rows_expected]


def test_csv_row_with_empty_span_is_an_annotation(tmp_path):
    lines = ["doc,text,start,end,label,span_text,annotator"]
    for unit, who, start, end, label in rows():
        piece = TEXTS[unit][start:end] if start is not None else ""
        lines.append(",".join(str(v) if v is not None else "" for v in (unit, TEXTS[unit], start, end, label))
                     + f",{piece},{who}")
    result = check(tmp_path, {"spans.csv": "\n".join(lines) + "\n"}, "", "doc int required\n  text string required",
                   "doc")
    assert_counted(result, 9)


def test_a_csv_row_with_a_label_but_no_span_is_still_missing_its_span(tmp_path):
    content = "doc,text,start,end,label,span_text,annotator\n1,Alice met Bobby,,,PER,,A\n"
    result = check(tmp_path, {"spans.csv": content}, "", "doc int required\n  text string required", "doc")
    violations = {c.id: c.violations for c in result.checks if c.kind != "metric" and c.violations}
    assert violations == {"spans.start.required": 1, "spans.end.required": 1, "spans.span_text.required": 1}


def test_a_found_nothing_row_still_needs_its_annotator(tmp_path):
    content = "doc,text,start,end,label,span_text,annotator\n1,Alice met Bobby,,,,,\n"
    result = check(tmp_path, {"spans.csv": content}, "", "doc int required\n  text string required", "doc")
    violations = {c.id: c.violations for c in result.checks if c.kind != "metric" and c.violations}
    assert violations == {"spans.annotator.required": 1}


def doccano_files() -> dict:
    files = {}
    for who in "ABC":
        lines = [json.dumps({"id": unit, "text": TEXTS[unit], "label": [list(s) for s in SPANS[(unit, who)]]})
                 for unit in TEXTS]
        files[f"annotations/{who}.jsonl"] = "\n".join(lines) + "\n"
    return files


def test_doccano_empty_label_list_is_an_annotation(tmp_path):
    result = check(tmp_path, doccano_files(), 'source "doccano:annotations"',
                   "id int required\n  text string required", "id")
    assert_counted(result, 9)


def labelstudio_export() -> str:
    tasks = []
    for unit, text in TEXTS.items():
        annotations = [{"id": unit * 10 + index, "completed_by": {"id": index, "email": f"{who.lower()}@example.com"},
                        "was_cancelled": False, "lead_time": 5.0,
                        "result": [{"id": f"r{unit}{who}{n}", "from_name": "label", "to_name": "text", "type": "labels",
                                    "value": {"start": s, "end": e, "text": text[s:e], "labels": [tag]}}
                                   for n, (s, e, tag) in enumerate(SPANS[(unit, who)])]}
                       for index, who in enumerate("ABC")]
        # a skipped annotation is not an annotation of the task: it must give no row
        annotations.append({"id": unit * 10 + 9, "completed_by": {"id": 9, "email": "d@example.com"},
                            "was_cancelled": True, "result": []})
        tasks.append({"id": unit, "data": {"text": text}, "annotations": annotations})
    return json.dumps(tasks)


def test_labelstudio_empty_result_is_an_annotation(tmp_path):
    columns = "task_id int required\n  from_name string required  one of [\"label\"]\n  text string required"
    result = check(tmp_path, {"export.json": labelstudio_export()}, 'source "labelstudio:export.json"', columns,
                   "task_id")
    assert_counted(result, 9)
    pairs = next(c for c in result.checks if c.id == "f1").details["pairs"]
    assert [(p["annotator_a"], p["annotator_b"], p["units"]) for p in pairs] == [
        ("a@example.com", "b@example.com", 2), ("a@example.com", "c@example.com", 2),
        ("b@example.com", "c@example.com", 2)]  # no pair with the skipped d@example.com


def conll_files() -> dict:
    files = {}
    for who in "ABC":
        sentences = []
        for unit, text in TEXTS.items():
            tags = {}
            for start, end, tag in SPANS[(unit, who)]:
                tags[start] = f"B-{tag}"
            lines, offset = [], 0
            for token in text.split(" "):
                lines.append(f"{token} {tags.get(offset, 'O')}")
                offset += len(token) + 1
            sentences.append("\n".join(lines))
        files[f"tagged/{who}.conll"] = "\n\n".join(sentences) + "\n"
    return files


def test_conll_sentence_without_entities_is_an_annotation(tmp_path):
    columns = "sentence int required\n  text string required\n  tokens int required  >= 1"
    result = check(tmp_path, conll_files(), 'source "conll:tagged"', columns, "sentence")
    assert_counted(result, 9)


def test_readers_write_the_found_nothing_row(tmp_path):
    import duckdb

    from specc.inputs import load_table, parse_data_arguments
    from specc.resolve import load_checked

    spec_path = tmp_path / "spec.aspec"
    spec_path.write_text(textwrap.dedent("""
        spec s
        table spans { id int  start int  end int  label string  span_text string  annotator string  line int }
    """), encoding="utf-8")
    folder = tmp_path / "annotations"
    folder.mkdir()
    for name, content in doccano_files().items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    spec = load_checked(spec_path)
    con = duckdb.connect()
    load_table(con, spec, parse_data_arguments((f"spans=doccano:{folder}",), spec)["spans"])
    found = con.execute("SELECT id, start, \"end\", label, span_text, annotator, line FROM spans "
                        "WHERE annotator = 'B' ORDER BY __specc_row").fetchall()
    assert found == [(1, 0, 5, "PER", "Alice", "B", 1), (1, 10, 15, "ORG", "Bobby", "B", 1),
                     (2, None, None, None, None, "B", 2)]


# ---- an annotator's spans are a set ----------------------------------------------------------


def test_a_span_given_twice_counts_once(con):
    # docs/metrics.md's example: A gives [0,5) PER twice, B once. As a set: matched 1 of 1 and
    # 1 -> F1 1.0. Counted as a list A would have 2 spans: F1 2 * 1 / (2 + 1) = 2/3.
    frame = pd.DataFrame([(1, "A", 0, 5, "PER"), (1, "A", 0, 5, "PER"), (1, "B", 0, 5, "PER")],
                         columns=["doc", "who", "start", "end", "label"])
    result = span_agreement(con, table(con, "twice", frame), unit="doc", annotator="who", mode="strict")
    pair = result.pairs[0]
    assert (pair.matched, pair.spans_a, pair.spans_b, pair.scores.f1) == (1, 1, 1, 1.0)
    as_list = 2 * pair.matched / (2 + 1)
    assert as_list == pytest.approx(2 / 3) and result.micro.f1 != pytest.approx(as_list)


def test_same_boundaries_with_two_labels_are_two_spans(con):
    frame = pd.DataFrame([(1, "A", 0, 5, "PER"), (1, "A", 0, 5, "ORG"), (1, "B", 0, 5, "PER")],
                         columns=["doc", "who", "start", "end", "label"])
    result = span_agreement(con, table(con, "labels", frame), unit="doc", annotator="who", mode="strict")
    assert (result.pairs[0].matched, result.pairs[0].spans_a, result.pairs[0].spans_b) == (1, 2, 1)


# ---- the JSON Schema says the same as the SQL checks ------------------------------------------


@pytest.mark.parametrize("row,valid", [
    ({"doc": 2, "text": "Rome and Ann", "start": None, "end": None, "label": None, "span_text": None,
      "annotator": "B"}, True),  # annotated, found nothing
    ({"doc": 1, "text": "Alice met Bobby", "start": None, "end": None, "label": "PER", "span_text": None,
      "annotator": "A"}, False),  # a label without its span
    ({"doc": 1, "text": "Alice met Bobby", "start": 0, "end": 5, "label": "PER", "span_text": None,
      "annotator": "A"}, False),  # a span without its text
    ({"doc": 2, "text": "Rome and Ann", "start": None, "end": None, "label": None, "span_text": None,
      "annotator": None}, False),  # nobody's annotation
])
def test_json_schema_accepts_exactly_the_found_nothing_row(tmp_path, row, valid):
    from jsonschema import Draft202012Validator

    from specc.backends.jsonschema import schemas
    from specc.resolve import load_checked

    spec = tmp_path / "spec.aspec"
    spec.write_text(SPEC.format(source="", columns="doc int required\n  text string required", unit="doc"),
                    encoding="utf-8")
    schema = schemas(load_checked(spec))["spans.schema.json"]
    assert Draft202012Validator(schema).is_valid(row) is valid

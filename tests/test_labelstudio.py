"""Label Studio: the export reader (`labelstudio:` bindings) and the labelling-config target.

The reader is tested on realistic exports under tests/fixtures/labelstudio/ with exact rows;
malformed exports must give one clear error (file, task, field as a JSON path), exit 2 and no
traceback. The compile target must give well-formed XML whose label values are exactly the
taxonomy's codes.
"""

from __future__ import annotations

import json
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from specc.backends import get_backend
from specc.cli import cli
from specc.diagnostics import UsageError
from specc.inputs import bind_path, load_table, parse_data_arguments
from specc.resolve import load_checked

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "labelstudio"
NER_EXPORT = FIXTURES / "ner_export.json"
RLHF_EXPORT = FIXTURES / "rlhf_export.json"


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.aspec"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _rows(tmp_path: Path, table_text: str, target: str, table: str = "t") -> list[dict]:
    """Load one table declared by `table_text` from `target` and return its rows as dicts."""
    spec = load_checked(_spec(tmp_path, "spec s\n" + textwrap.dedent(table_text)))
    con = duckdb.connect()
    load_table(con, spec, bind_path(table, target))
    columns = [c.name.text for c in spec.tables[table].columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    return [dict(zip(columns, row)) for row in con.execute(f'SELECT {quoted} FROM "{table}" ORDER BY __specc_row').fetchall()]


def _invoke(*arguments):
    result = CliRunner().invoke(cli, [str(a) for a in arguments])
    assert "Traceback" not in result.output
    return result


# ---- the reader on realistic exports --------------------------------------------------------


SPANS_TABLE = """
table t {
  task_id        int     required
  annotation_id  int
  annotator      string  required
  start          int
  end            int
  label          string
  span_text      string
  text           string
  lead_time      float
  created_at     timestamp
}
"""


def test_span_rows_one_per_labels_region(tmp_path):
    rows = _rows(tmp_path, SPANS_TABLE, f"labelstudio:{NER_EXPORT}")
    # the `choices` result, the cancelled annotation and the predictions give no span rows
    assert [(r["task_id"], r["annotation_id"], r["annotator"], r["start"], r["end"], r["label"], r["span_text"],
             r["lead_time"]) for r in rows] == [
        (1, 10, "ana@example.com", 0, 12, "PER", "Barack Obama", 12.5),
        (1, 10, "ana@example.com", 21, 27, "GPE", "Berlin", 12.5),
        (1, 11, "4", 0, 12, "PER", "Barack Obama", 8.0),  # completed_by as a bare user id
        (2, 20, "ana@example.com", 0, 5, "ORG", "Apple", 20.25),
        (2, 20, "ana@example.com", 24, 29, "GPE", "Tokyo", 20.25),
    ]
    assert rows[0]["text"] == "Barack Obama visited Berlin."
    assert rows[3]["text"] == "Apple opened a store in Tokyo."
    assert str(rows[0]["created_at"]) == "2026-01-05 10:00:00"


def test_undeclared_fields_are_not_read_and_types_come_from_the_spec(tmp_path):
    spec = load_checked(_spec(tmp_path, "spec s\ntable t {\n  task_id string\n  start float\n  source string\n}\n"
                              .replace("  source string", "  `source` string")))
    con = duckdb.connect()
    bound = load_table(con, spec, bind_path("t", f"labelstudio:{NER_EXPORT}"))
    assert bound.rows == 5
    described = {row[0]: row[1] for row in con.execute('DESCRIBE "t"').fetchall()}
    assert described["task_id"] == "VARCHAR" and described["start"] == "DOUBLE" and described["source"] == "VARCHAR"
    assert con.execute('SELECT list("source" ORDER BY __specc_row) FROM "t"').fetchone()[0] == ["wire"] * 3 + ["blog"] * 2
    assert "text" not in described and "annotator" not in described


def test_choice_rows_and_a_selected_control(tmp_path):
    table = "table t {\n  task_id int\n  annotator string\n  from_name string\n  type string\n  label string\n  labels list of string\n}\n"
    rows = _rows(tmp_path, table, f"labelstudio:{RLHF_EXPORT}")
    # a table declaring only label/labels reads `choices` and `taxonomy` results
    assert [(r["annotator"], r["from_name"], r["type"], r["label"], r["labels"]) for r in rows] == [
        ("amy@example.com", "topic", "choices", "coding", ["coding"]),
        ("amy@example.com", "intent", "taxonomy", "tech_howto", ["tech_howto"]),
        ("bo@example.com", "topic", "choices", "coding", ["coding", "math"]),
        ("bo@example.com", "intent", "taxonomy", "tech_bug", ["tech_bug", "billing"]),
    ]
    selected = _rows(tmp_path, table, f"labelstudio:{RLHF_EXPORT}#intent")
    assert [(r["from_name"], r["label"], r["labels"]) for r in selected] == [
        ("intent", "tech_howto", ["tech_howto"]), ("intent", "tech_bug", ["tech_bug", "billing"])]


def test_choices_from_an_export_with_spans(tmp_path):
    rows = _rows(tmp_path, "table t {\n  task_id int\n  from_name string\n  label string\n}\n", f"labelstudio:{NER_EXPORT}")
    assert rows == [{"task_id": 1, "from_name": "quality", "label": "ok"}]


def test_rating_rows(tmp_path):
    table = "table t {\n  task_id int\n  annotator string\n  from_name string\n  rating int\n  lead_time float\n}\n"
    rows = _rows(tmp_path, table, f"labelstudio:{RLHF_EXPORT}")
    assert rows == [
        {"task_id": 7, "annotator": "amy@example.com", "from_name": "quality", "rating": 4, "lead_time": 30.5},
        {"task_id": 7, "annotator": "bo@example.com", "from_name": "quality", "rating": 2, "lead_time": 25.0},
    ]


def test_ranker_rows_with_the_shown_items_as_records(tmp_path):
    table = """
    record Item {
      id     string
      title  string
      body   string
    }
    table t {
      task_id    int
      annotator  string
      prompt     string
      `items`    list of Item
      ranking    list of string
    }
    """
    rows = _rows(tmp_path, table, f"labelstudio:{RLHF_EXPORT}")
    # buckets are read in order and Label Studio's internal `_` bucket is left out
    assert [(r["annotator"], r["ranking"]) for r in rows] == [
        ("amy@example.com", ["r2", "r1", "r3"]), ("bo@example.com", ["r1", "r3", "r2"])]
    assert [item["id"] for item in rows[0]["items"]] == ["r1", "r2", "r3"]
    assert rows[0]["items"][2]["body"] == "See: recursion."
    assert rows[0]["prompt"] == "Explain recursion to a new programmer."


def test_pairwise_rows(tmp_path):
    table = "table t {\n  annotator string\n  selected string\n  chosen string\n  rejected string\n}\n"
    assert _rows(tmp_path, table, f"labelstudio:{RLHF_EXPORT}") == [
        {"annotator": "amy@example.com", "selected": "right", "chosen": "response_b", "rejected": "response_a"},
        {"annotator": "bo@example.com", "selected": "left", "chosen": "response_a", "rejected": "response_b"},
    ]


def test_textarea_rows(tmp_path):
    rows = _rows(tmp_path, "table t {\n  annotator string\n  answer string\n}\n", f"labelstudio:{RLHF_EXPORT}")
    assert rows == [{"annotator": "amy@example.com", "answer": "Too long.\nMissing an example."}]


def test_an_annotations_table_has_one_row_per_annotation(tmp_path):
    table = ("table t {\n  task_id int\n  annotation_id int\n  annotator string\n  lead_time float\n"
             "  was_cancelled bool\n  ground_truth bool\n}\n")
    rows = _rows(tmp_path, table, f"labelstudio:{NER_EXPORT}")
    assert [tuple(r.values()) for r in rows] == [
        (1, 10, "ana@example.com", 12.5, False, False),
        (1, 11, "4", 8.0, False, True),
        (1, 12, "chen@example.com", 1.1, True, False),  # skipped: no result, still an annotation
        (2, 20, "ana@example.com", 20.25, False, False),
    ]


def test_a_folder_of_exports(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(NER_EXPORT, folder / "batch1.json")
    shutil.copy(NER_EXPORT, folder / "batch2.json")
    rows = _rows(tmp_path, "table t {\n  task_id int\n  start int\n}\n", f"labelstudio:{folder}")
    assert len(rows) == 10


def test_a_value_of_the_wrong_type_is_counted_not_fatal(tmp_path):
    tasks = json.loads(NER_EXPORT.read_text())
    tasks[1]["annotations"][0]["lead_time"] = "twenty"
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks))
    spec = _spec(tmp_path, "spec s\ntable t {\n  task_id int\n  start int\n  lead_time float\n}\n")
    result = _invoke("check", spec, "--data", f"t=labelstudio:{export}", "--format", "json")
    assert result.exit_code == 1
    counts = {c["id"]: c["violations"] for c in json.loads(result.stdout)["checks"]}
    assert counts["t.lead_time.type"] == 2  # both regions of the annotation


def test_declaring_two_kinds_of_result_is_an_error(tmp_path):
    spec = _spec(tmp_path, "spec s\ntable t {\n  task_id int\n  rating int\n  start int\n}\n")
    result = _invoke("check", spec, "--data", f"t=labelstudio:{RLHF_EXPORT}")
    assert result.exit_code == 2
    assert ("error: table `t` declares columns of several kinds of Label Studio results "
            "(spans: `start`; rating: `rating`)") in result.stderr
    assert "labelstudio:PATH#FROM_NAME" in result.stderr


def test_a_control_that_is_not_in_the_export(tmp_path):
    spec = _spec(tmp_path, "spec s\ntable t {\n  task_id int\n  label string\n}\n")
    result = _invoke("check", spec, "--data", f"t=labelstudio:{RLHF_EXPORT}#sentiment")
    assert result.exit_code == 2
    assert (f"labelstudio:{RLHF_EXPORT}#sentiment: error: no result from the control `sentiment` in the export; "
            "its controls: `critique`, `intent`, `pw`, `quality`, `rank`, `topic`") in result.stderr


# ---- malformed exports ----------------------------------------------------------------------


def _task(task_id: int, result: list) -> dict:
    return {"id": task_id, "data": {"text": "Barack Obama visited Berlin."},
            "annotations": [{"id": task_id * 10, "completed_by": 1, "lead_time": 3.0, "result": result}]}


def _span(start, end) -> dict:
    return {"id": "x", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": "Barack", "labels": ["PER"]}}


MALFORMED = [
    ("not_a_list", {"id": 1, "data": {}},
     "not a Label Studio JSON export: the file must be a JSON list of tasks, found an object"),
    ("no_annotations", [_task(1, [_span(0, 6)]), {"id": 5, "data": {"text": "x"}}],
     "not a valid Label Studio export: task 1 (id 5): `$[1].annotations` must be a list of annotations; "
     "it is missing; export the project as \"JSON\" (JSON-MIN and CSV exports leave the annotations out)"),
    ("no_value", [_task(1, [_span(0, 6)]), _task(2, [{"id": "y", "from_name": "label", "to_name": "text",
                                                      "type": "labels"}])],
     "not a valid Label Studio export: task 1 (id 2): `$[1].annotations[0].result[0].value` must be an object; "
     "it is missing"),
    ("fractional_offset", [_task(1, [_span(0, 6), _span(7, 12.5)])],
     "not a valid Label Studio export: task 0 (id 1): `$[0].annotations[0].result[1].value.end` must be a whole "
     "number (a character offset); found a number 12.5"),
    ("text_offset", [_task(3, [_span("0", 6)])],
     "not a valid Label Studio export: task 0 (id 3): `$[0].annotations[0].result[0].value.start` must be a whole "
     "number (a character offset); found a string \"0\""),
    ("result_not_a_list", [{"id": 4, "data": {}, "annotations": [{"id": 1, "result": {"value": {}}}]}],
     "not a valid Label Studio export: task 0 (id 4): `$[0].annotations[0].result` must be a list of result items; "
     "found an object"),
    ("several", [{"id": 8, "data": {}}, {"id": 9, "data": {}}],
     "not a valid Label Studio export: task 0 (id 8): `$[0].annotations` must be a list of annotations; "
     "it is missing (and 1 more problem); export the project as \"JSON\" (JSON-MIN and CSV exports leave "
     "the annotations out)"),
]


@pytest.mark.parametrize("content, message", [(c, m) for _, c, m in MALFORMED], ids=[n for n, _, _ in MALFORMED])
def test_malformed_export_is_one_clear_error(tmp_path, content, message):
    export = tmp_path / "export.json"
    export.write_text(json.dumps(content, indent=2))
    spec = _spec(tmp_path, SPANS_TABLE.replace("table t", "spec s\ntable t", 1))
    result = _invoke("check", spec, "--data", f"t=labelstudio:{export}")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{export}: error: {message}"


def test_invalid_json_is_one_clear_error(tmp_path):
    export = tmp_path / "export.json"
    export.write_text('[{"id": 1, "data": {}, "annotations": [}')
    spec = _spec(tmp_path, "spec s\ntable t {\n  task_id int\n}\n")
    result = _invoke("check", spec, "--data", f"t=labelstudio:{export}")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{export}: error: not a Label Studio JSON export: the file is not valid JSON"


def test_the_reader_raises_usage_error_directly(tmp_path):
    export = tmp_path / "export.json"
    export.write_text("[1, 2]")
    spec = load_checked(_spec(tmp_path, "spec s\ntable t {\n  task_id int\n}\n"))
    with pytest.raises(UsageError, match=r"task 0: `\$\[0\]` must be an object; found a number 1 \(and 1 more problem\)"):
        load_table(duckdb.connect(), spec, bind_path("t", f"labelstudio:{export}"))


# ---- bindings through the spec's `source` ---------------------------------------------------


def test_a_source_with_a_reader_is_found_in_the_data_folder(tmp_path):
    spec_path = _spec(tmp_path, 'spec s\ntable t {\n  source "labelstudio:export.json"\n  task_id int\n  start int\n}\n')
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    shutil.copy(NER_EXPORT, delivery / "export.json")
    bindings = parse_data_arguments((str(delivery),), load_checked(spec_path))
    assert bindings["t"].reader == "labelstudio"
    assert bindings["t"].files == (str(delivery / "export.json"),)
    result = _invoke("check", spec_path, "--data", delivery, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["inputs"][0]["rows"] == 5


def test_a_missing_source_is_reported_only_when_nothing_else_binds_the_table(tmp_path):
    spec_path = _spec(tmp_path, 'spec s\ntable t {\n  source "labelstudio:export.json"\n  task_id int\n}\n')
    result = _invoke("check", spec_path)
    assert result.exit_code == 2
    assert f"{tmp_path / 'export.json'}: error: no such file or directory" in result.stderr
    result = _invoke("check", spec_path, "--data", f"t=labelstudio:{NER_EXPORT}")
    assert result.exit_code == 0, result.output


# ---- the compile target ---------------------------------------------------------------------


def _configs(spec_path: Path) -> dict[str, ET.Element]:
    rendered = get_backend("labelstudio").render(load_checked(spec_path))
    return {name: ET.fromstring(text) for name, text in rendered.items()}


def _offered(tree, selection_leaves: bool) -> list[str]:
    codes = tree.leaves() if selection_leaves else tree.codes()
    return [c for c in codes if not any(tree.nodes[s].label.deprecated for s in tree.nodes[c].path)]


def test_news_ner_labels_are_the_leaf_codes():
    spec_path = ROOT / "specs" / "news_ner" / "news_ner.aspec"
    configs = _configs(spec_path)
    assert list(configs) == ["ner.xml"]
    view = configs["ner.xml"]
    labels = view.find("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    tree = load_checked(spec_path).taxonomies["Entity"]
    assert [label.get("value") for label in labels.findall("Label")] == _offered(tree, True) == \
        ["PER", "ORG", "GPE", "FAC", "NAT"]  # MISC is deprecated, LOC a heading
    assert labels.find("Label[@value='PER']").get("hint") == "People, real or fictional, named by name."
    text = view.find("Text[@name='text']")
    assert text.get("value") == "$text"
    raw = get_backend("labelstudio").render(load_checked(spec_path))["ner.xml"]
    assert "<!-- deprecated labels left out: MISC -->" in raw


def test_review_sentiment_choices_and_rating():
    spec_path = ROOT / "specs" / "review_sentiment" / "review_sentiment.aspec"
    configs = _configs(spec_path)
    assert sorted(configs) == ["sentiment.xml", "stars.xml"]
    choices = configs["sentiment.xml"].find("Choices")
    assert choices.get("name") == "sentiment" and choices.get("choice") == "single"
    codes = load_checked(spec_path).taxonomies["Sentiment"].codes()
    assert [c.get("value") for c in choices.findall("Choice")] == codes == ["positive", "neutral", "negative", "mixed"]
    rating = configs["stars.xml"].find("Rating")
    assert rating.get("name") == "stars" and rating.get("maxRating") == "5" and rating.get("toName") == "text"
    guideline = configs["stars.xml"].find("View/Text[@name='guideline']").get("value")
    assert guideline.startswith("Read the whole review once") and guideline.endswith("5 (best).")


def test_a_hierarchical_taxonomy_gives_nested_choices():
    spec_path = ROOT / "specs" / "support_intents" / "support_intents.aspec"
    view = _configs(spec_path)["intents.xml"]
    taxonomy = view.find("Taxonomy")
    assert taxonomy.get("name") == "intent" and taxonomy.get("leafsOnly") == "true"
    tree = load_checked(spec_path).taxonomies["Intent"]
    leaves = [c.get("value") for c in taxonomy.iter("Choice") if c.find("Choice") is None]
    assert leaves == _offered(tree, True)
    assert "billing_paper_invoice" not in leaves  # deprecated
    billing = taxonomy.find("Choice[@value='billing']")
    assert [c.get("value") for c in billing.findall("Choice")][:2] == ["billing_refund", "billing_double_charge"]
    assert [c.get("value") for c in taxonomy.findall("Choice")] == [
        "billing", "account", "orders", "shipping", "technical", "security", "feedback", "other"]


def test_ranking_preference_and_text_tasks():
    configs = _configs(ROOT / "specs" / "reward_ranking" / "reward_ranking.aspec")
    rank = configs["rank.xml"]
    assert rank.find("List").attrib == {"name": "responses", "value": "$responses", "title": "Responses"}
    assert rank.find("Ranker").attrib == {"name": "ranking", "toName": "responses"}
    assert configs["prefer.xml"].find("Pairwise").attrib == {"name": "chosen", "toName": "response_a,response_b"}
    sft = _configs(ROOT / "specs" / "sft_pairs" / "sft_pairs.aspec")["sft.xml"]
    assert sft.find("TextArea").get("name") == "response" and sft.find("TextArea").get("toName") == "prompt"


def test_other_scales_become_choices_and_text_is_escaped(tmp_path):
    spec_path = _spec(tmp_path, '''
        spec odd
        guideline """Mark <b>bold</b> & "quoted" text."""
        table t {
          item   string
          who    string
          score  float
        }
        task quality "Quality <0..1>": rating on t {
          unit item  annotator who  rating score
          scale 0..1 step 0.25
        }
    ''')
    rendered = get_backend("labelstudio").render(load_checked(spec_path))["quality.xml"]
    view = ET.fromstring(rendered)
    assert view.find("Header").get("value") == "Quality <0..1>"
    assert view.find("View/Text").get("value") == 'Mark <b>bold</b> & "quoted" text.'
    assert [c.get("value") for c in view.find("Choices").findall("Choice")] == ["0", "0.25", "0.5", "0.75", "1"]
    assert "&lt;b&gt;" in rendered


def test_the_example_config_matches_its_export():
    """The config compiled from the Label Studio example names the control the export uses."""
    spec_path = ROOT / "specs" / "labelstudio_ner" / "labelstudio_ner.aspec"
    labels = _configs(spec_path)["ner.xml"].find("Labels")
    export = json.loads((ROOT / "specs" / "labelstudio_ner" / "clean" / "export.json").read_text())
    results = [r for task in export for a in task["annotations"] for r in a["result"]]
    assert {(r["from_name"], r["to_name"]) for r in results} == {(labels.get("name"), labels.get("toName"))}
    offered = {label.get("value") for label in labels.findall("Label")}
    assert {r["value"]["labels"][0] for r in results} <= offered


def test_compile_command_writes_one_file_per_task(tmp_path):
    spec_path = ROOT / "specs" / "review_sentiment" / "review_sentiment.aspec"
    out = tmp_path / "ls"
    result = _invoke("compile", "--target", "labelstudio", spec_path, "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["sentiment.xml", "stars.xml"]
    assert result.stdout.splitlines() == [str(out / "sentiment.xml"), str(out / "stars.xml")]
    first = (out / "stars.xml").read_bytes()
    assert _invoke("compile", "--target", "labelstudio", spec_path, "-o", out).exit_code == 0
    assert (out / "stars.xml").read_bytes() == first  # deterministic
    ET.fromstring(first)


def test_compile_without_out_is_a_usage_error():
    result = _invoke("compile", "--target", "labelstudio", ROOT / "specs" / "news_ner" / "news_ner.aspec")
    assert result.exit_code == 2
    assert "--out DIR is required for --target labelstudio" in result.output

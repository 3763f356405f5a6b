"""Tool-export readers: doccano, CoNLL BIO, preference and ranking JSON Lines.

Each reader runs on realistic samples (tests/fixtures/readers/) and must give exact rows;
each malformed export must stop with exit 2 and one message naming the file, the line, the
record and the field, never a traceback.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli
from specc.diagnostics import UsageError
from specc.inputs import load_table, parse_data_arguments
from specc.resolve import load_checked

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.aspec"
    path.write_text("spec readers\n" + textwrap.dedent(text), encoding="utf-8")
    return path


def _rows(tmp_path: Path, spec_text: str, table: str, target: str, columns: str = "* EXCLUDE (__specc_row)"):
    """Load one table through its reader; rows as tuples in reader order."""
    spec = load_checked(_spec(tmp_path, spec_text))
    bindings = parse_data_arguments((f"{table}={target}",), spec)
    con = duckdb.connect()
    load_table(con, spec, bindings[table])
    return con.execute(f'SELECT {columns} FROM "{table}" ORDER BY __specc_row').fetchall()


def _invoke(*arguments):
    result = CliRunner().invoke(cli, list(arguments))
    assert "Traceback" not in result.output
    return result


# ---- doccano --------------------------------------------------------------------------------

CLASSIFICATION = """
table labels {
  id         int     required
  text       string  required
  label      string
  labels     list of string
  annotator  string
  seconds    float
}
"""


def test_doccano_classification_one_row_per_record_and_label(tmp_path):
    rows = _rows(tmp_path, CLASSIFICATION, "labels", f"doccano:{FIXTURES / 'doccano' / 'members'}",
                 "id, label, labels, annotator, seconds, __specc_type__seconds")
    assert rows == [
        (11, "shipping", ["shipping"], "alice", 4.5, None),
        (12, "billing", ["billing", "refund"], "alice", 9.0, None),
        (12, "refund", ["billing", "refund"], "alice", 9.0, None),
        (13, None, [], "alice", None, None),  # no label: one row, label null, for `required`
        (11, "shipping", ["shipping"], "bob", None, None),  # `cats`: the labels marked true
        (12, "billing", ["billing"], "bob", None, "slow"),  # a single string; `slow` kept for `.type`
        (13, "greeting", ["greeting"], "bob.k", None, None),  # the record's own `annotator` wins
    ]


def test_reader_rows_carry_their_source_line(tmp_path):
    spec_text = CLASSIFICATION.replace("seconds    float", "seconds    float\n  line       int")
    rows = _rows(tmp_path, spec_text, "labels", f"doccano:{FIXTURES / 'doccano' / 'members' / 'alice.jsonl'}",
                 "id, line")
    assert rows == [(11, 1), (12, 2), (12, 2), (13, 4)]  # line 3 is blank: not a record
    rows = _rows(tmp_path, CONLL_SPANS.replace("file       string", "line int"), "entities",
                 f"conll:{FIXTURES / 'conll' / 'news.conll'}", "span_text, line")
    assert rows[2:4] == [("Peter Blackburn", 9), ("Lyon", 12)]


def test_doccano_shared_export_has_no_annotator(tmp_path):
    rows = _rows(tmp_path, CLASSIFICATION, "labels", f"doccano:{FIXTURES / 'doccano' / 'all.jsonl'}",
                 "id, text, label, annotator")
    assert rows == [(21, "Where is my parcel?", "shipping", None)]


SPANS = """
table spans {
  id         string  required
  text       string
  start      int
  end        int
  label      string
  span_text  string
  annotator  string
}
"""


def test_doccano_spans_from_triples_and_entity_objects(tmp_path):
    rows = _rows(tmp_path, SPANS, "spans", f"doccano:{FIXTURES / 'doccano' / 'ner.jsonl'}",
                 "id, start, \"end\", label, span_text, annotator")
    assert rows == [
        ("1", 0, 2, "ORG", "EU", "ner"),
        ("1", 11, 17, "MISC", "German", "ner"),
        ("1", 34, 41, "MISC", "British", "ner"),
        ("2", 0, 15, "PER", "Peter Blackburn", "zoe"),  # an entity's own `user`
        ("3", 10, 15, "PER", "Obama", "ner"),
        ("3", 10, 30, "PER", "Obama", "ner"),  # past the text: loaded for span_bounds
        ("4", None, None, None, None, "ner"),  # no spans: annotated, found nothing
    ]


def test_doccano_documents_table_gets_one_row_per_record(tmp_path):
    rows = _rows(tmp_path, "table documents { id int  text string  annotator string }", "documents",
                 f"doccano:{FIXTURES / 'doccano' / 'ner.jsonl'}", "id, text, annotator")
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    assert rows[3] == (4, "No names here.", "ner")


# ---- CoNLL ----------------------------------------------------------------------------------

CONLL_SPANS = """
table entities {
  doc        int
  sentence   int
  start      int
  end        int
  label      string
  span_text  string
  text       string
  tokens     int
  annotator  string
  file       string
}
"""

CONLL_TOKENS = """
table tags {
  doc int  sentence int  position int  token string  tag string  start int  end int  annotator string
}
"""


def test_conll_spans_have_character_offsets_in_the_joined_sentence(tmp_path):
    rows = _rows(tmp_path, CONLL_SPANS, "entities", f"conll:{FIXTURES / 'conll' / 'news.conll'}")
    first = "EU rejects German call ."
    second = "Peter Blackburn met Lyon"
    third = "in Bad Homburg Anna Smith"
    assert rows == [
        (1, 1, 0, 2, "ORG", "EU", first, 1, "news", "news.conll"),
        (1, 1, 11, 17, "MISC", "German", first, 1, "news", "news.conll"),
        (1, 2, 0, 15, "PER", "Peter Blackburn", second, 2, "news", "news.conll"),  # B-PER I-PER
        (1, 2, 20, 24, "LOC", "Lyon", second, 1, "news", "news.conll"),  # after O
        (2, 3, 3, 14, "LOC", "Bad Homburg", third, 2, "news", "news.conll"),  # an orphan I-LOC starts a span
        (2, 3, 15, 19, "PER", "Anna", third, 1, "news", "news.conll"),
        (2, 3, 20, 25, "ORG", "Smith", third, 1, "news", "news.conll"),  # I-ORG after B-PER starts another
    ]


def test_conll_token_table_keeps_every_token_and_its_tag(tmp_path):
    rows = _rows(tmp_path, CONLL_TOKENS, "tags", f"conll:{FIXTURES / 'conll' / 'news.conll'}")
    assert len(rows) == 14  # -DOCSTART- lines and blank lines are not tokens
    assert rows[:2] == [(1, 1, 1, "EU", "B-ORG", 0, 2, "news"), (1, 1, 2, "rejects", "O", 3, 10, "news")]
    assert rows[10] == (2, 3, 2, "Bad", "I-LOC", 3, 6, "news")


def test_conll_files_are_annotators_and_number_their_own_sentences(tmp_path):
    rows = _rows(tmp_path, CONLL_SPANS, "entities", f"conll:{FIXTURES / 'conll'}/vendor_*.conll",
                 "annotator, doc, sentence, start, \"end\", label, span_text")
    assert rows == [
        ("vendor_a", 1, 1, 0, 10, "PER", "Anna Smith"),
        ("vendor_a", 1, 2, 0, 4, "LOC", "Oslo"),  # two blank lines make one break
        ("vendor_b", 1, 1, 0, 4, "PER", "Anna"),
        ("vendor_b", 1, 2, 0, 4, "LOC", "Oslo"),
    ]


def test_conll_ill_formed_bio_is_reported_by_the_tokens_task(tmp_path):
    spec = _spec(tmp_path, CONLL_TOKENS + "task bio: tokens on tags { unit sentence annotator annotator "
                                          "token token tag tag position position }\n")
    result = _invoke("check", str(spec), "--data", f"tags=conll:{FIXTURES / 'conll' / 'news.conll'}",
                     "--format", "json")
    assert result.exit_code == 1, result.output
    counts = {c["id"]: c["violations"] for c in json.loads(result.stdout)["checks"]}
    assert counts["bio.bio_sequence"] == 2  # `Bad I-LOC` after O, `Smith I-ORG` after B-PER


# ---- preference JSONL -----------------------------------------------------------------------

PREFERENCES = """
table preferences {
  prompt_id  string  required
  prompt     string
  chosen     string
  rejected   string
  annotator  string
  tie        bool
  seconds    float
}
"""


def test_preference_records(tmp_path):
    rows = _rows(tmp_path, PREFERENCES, "preferences", f"preference:{FIXTURES / 'preference' / 'judgments.jsonl'}")
    assert rows == [
        ("p1", "Capital of Australia?", "Canberra.", "Sydney.", "ana", False, 12.0),
        ("2", "Say hello in French.", "Bonjour !", "Hola.", "42", False, None),  # record number; chats
        ("p3", "2 + 2?", "4", "4", "ben", True, 3.5),
    ]


def test_preference_built_in_checks_run_on_reader_rows(tmp_path):
    spec = _spec(tmp_path, PREFERENCES + "task prefer: preference on preferences { unit prompt_id "
                                         "annotator annotator chosen chosen rejected rejected tie tie }\n")
    result = _invoke("check", str(spec), "--data",
                     f"preferences=preference:{FIXTURES / 'preference' / 'judgments.jsonl'}", "--format", "json")
    counts = {c["id"]: c["violations"] for c in json.loads(result.stdout)["checks"]}
    assert counts["prefer.tie_allowed"] == 1 and counts["prefer.chosen_differs"] == 0  # p3 is a tie


# ---- ranking JSONL --------------------------------------------------------------------------

RANKINGS = """
table rankings {
  prompt_id       string
  prompt          string
  responses       list of string
  response_texts  list of string
  ranking         list of string
  annotator       string
}
"""


def test_ranking_indexes_become_response_ids(tmp_path):
    rows = _rows(tmp_path, RANKINGS, "rankings", f"ranking:{FIXTURES / 'ranking' / 'rankings.jsonl'}")
    assert rows == [
        ("q1", "Name a primary colour.", ["0", "1", "2"], ["Red.", "Purple.", "Blue."], ["2", "0", "1"], "kai"),
        ("7", "Say hi.", ["r1", "r2"], ["Hi!", "Hello."], ["r2", "r1"], "lea"),
        ("3", "Count to two.", ["0", "1"], ["1, 2", "one two"], ["1", "2"], "kai"),  # 2 is outside: kept
    ]


def test_ranking_responses_as_records_and_the_permutation_check(tmp_path):
    spec_text = """
    record Response { id string  text string }
    table rankings { prompt_id string  responses list of Response  ranking list of string  annotator string }
    task rank: ranking on rankings { unit prompt_id  annotator annotator  responses responses  ranking ranking }
    """
    target = f"ranking:{FIXTURES / 'ranking' / 'rankings.jsonl'}"
    rows = _rows(tmp_path, spec_text, "rankings", target, "responses")
    assert rows[1] == ([{"id": "r1", "text": "Hi!"}, {"id": "r2", "text": "Hello."}],)
    result = _invoke("check", str(tmp_path / "spec.aspec"), "--data", f"rankings={target}", "--format", "json")
    counts = {c["id"]: c["violations"] for c in json.loads(result.stdout)["checks"]}
    assert counts["rank.ranking_permutation"] == 1  # q3's [1, 2] counted from 1


# ---- binding through a spec's `source` ------------------------------------------------------


def test_a_source_reader_applies_inside_the_data_folder_even_to_a_file_named_after_the_table(tmp_path):
    data = tmp_path / "delivery"
    data.mkdir()
    (data / "rankings.jsonl").write_text((FIXTURES / "ranking" / "rankings.jsonl").read_text())
    spec = _spec(tmp_path, RANKINGS.replace("table rankings {", 'table rankings {\n  source "ranking:rankings.jsonl"'))
    result = _invoke("check", str(spec), "--data", str(data), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["inputs"][0]["format"] == "ranking" and report["inputs"][0]["rows"] == 3


# ---- malformed exports ----------------------------------------------------------------------

MALFORMED = [
    ("doccano", SPANS, "spans", "export.jsonl",
     '{"id": 1, "text": "EU", "label": [[0, 2, "ORG"]]}\n{"id": 2, "text": "x"\n',
     "export.jsonl:2: error: record 2 is not valid JSON"),
    ("doccano", SPANS, "spans", "export.jsonl",
     '{"id": 1, "text": "EU rejects", "label": [[0, 2, "ORG"], [9, 3, "MISC"]]}\n',
     "export.jsonl:1: error: record 1 (id 1): `label` span 2 ends (3) before it starts (9)"),
    ("doccano", SPANS, "spans", "export.jsonl",
     '{"id": 1, "text": "EU", "label": []}\n\n{"id": 5, "text": "EU", "entities": [{"start_offset": "0", "end_offset": 2, "label": "ORG"}]}\n',
     "export.jsonl:3: error: record 2 (id 5): `entities` span 1 start offset must be an integer, found a string"),
    ("doccano", SPANS, "spans", "export.jsonl", '{"id": 1, "label": []}\n',
     "export.jsonl:1: error: record 1 (id 1): `text` is missing (doccano exports the document as `text`)"),
    ("doccano", CLASSIFICATION, "labels", "export.jsonl",
     '{"id": 1, "text": "EU", "label": [[0, 2, "ORG"]]}\n',
     "export.jsonl:1: error: record 1 (id 1): `label` must be a list of label strings: item 1 is a list "
     "(for spans, declare `start` and `end` in the table)"),
    ("conll", CONLL_SPANS, "entities", "ner.conll", "EU B-ORG\nrejects O\n\nPeter\nBlackburn I-PER\n",
     "ner.conll:4: error: `tag` is missing: the line has one column (Peter); a token line needs the token, "
     "then its tag, separated by white space"),
    ("preference", PREFERENCES, "preferences", "prefs.jsonl",
     '{"id": "p1", "prompt": "Hi", "chosen": "a", "rejected": "b"}\n{"id": "p2", "prompt": "Hi", "chosen": "a"}\n',
     "prefs.jsonl:2: error: record 2 (id p2): `rejected` is missing"),
    ("preference", PREFERENCES, "preferences", "prefs.jsonl",
     '{"id": "p1", "prompt": "Hi", "chosen": "a", "rejected": "b", "tie": "yes"}\n',
     "prefs.jsonl:1: error: record 1 (id p1): `tie` must be true or false, found a string"),
    ("ranking", RANKINGS, "rankings", "rankings.jsonl",
     '{"prompt_id": "q1", "prompt": "Hi", "responses": ["a", "b"], "ranking": "1 > 0"}\n',
     "rankings.jsonl:1: error: record 1 (id q1): `ranking` must be a list of response ids or indexes (best first), found a string"),
    ("ranking", RANKINGS, "rankings", "rankings.jsonl",
     '{"prompt_id": "q1", "prompt": "Hi", "responses": ["a", 3], "ranking": [1, 0]}\n',
     "rankings.jsonl:1: error: record 1 (id q1): `responses` item 2 is an integer, not a response text or object"),
    ("ranking", RANKINGS, "rankings", "rankings.jsonl", '[1, 2]\n',
     "rankings.jsonl:1: error: record 1 is a list, not a JSON object"),
]


@pytest.mark.parametrize("reader, spec_text, table, name, content, message", MALFORMED,
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MALFORMED)])
def test_malformed_exports_name_file_line_record_and_field(tmp_path, monkeypatch, reader, spec_text, table, name,
                                                           content, message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    spec = _spec(tmp_path, spec_text)
    monkeypatch.chdir(tmp_path)
    result = _invoke("check", str(spec), "--data", f"{table}={reader}:{name}")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[0] == message


def test_every_problem_is_counted_in_the_message(tmp_path):
    (tmp_path / "export.jsonl").write_text('{"id": 1}\n{"id": 2}\n{"id": 3, "text": 4}\n', encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        _rows(tmp_path, SPANS, "spans", f"doccano:{tmp_path / 'export.jsonl'}")
    assert str(caught.value) == ("record 1 (id 1): `text` is missing (doccano exports the document as `text`) "
                                 "(and 2 more problems in this export)")
    assert caught.value.where == f"{tmp_path / 'export.jsonl'}:1"


def test_unreadable_export_is_a_usage_error(tmp_path, monkeypatch):
    (tmp_path / "ner.conll").write_bytes(b"EU B-ORG\n\xff\xfe O\n")
    spec = _spec(tmp_path, CONLL_SPANS)
    monkeypatch.chdir(tmp_path)
    result = _invoke("check", str(spec), "--data", "entities=conll:ner.conll")
    assert result.exit_code == 2
    assert result.stderr.startswith("ner.conll: error: cannot read the conll export for table `entities`")


def test_windows_line_ends_and_a_byte_order_mark_are_not_data(tmp_path):
    (tmp_path / "ner.conll").write_bytes("\ufeffEU B-ORG\r\nrejects O\r\n\r\nOslo B-LOC\r\n".encode("utf-8"))
    rows = _rows(tmp_path, CONLL_SPANS, "entities", f"conll:{tmp_path / 'ner.conll'}",
                 "sentence, start, \"end\", label, span_text, text")
    assert rows == [(1, 0, 2, "ORG", "EU", "EU rejects"), (2, 0, 4, "LOC", "Oslo", "Oslo")]

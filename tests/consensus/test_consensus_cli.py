"""`specc consensus` on the shipped examples: exact labels of hand-checked units, the summary,
and exit code 2 with a message (never a traceback) for bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli

SPECS = Path(__file__).resolve().parents[2] / "specs"


def consensus(*arguments):
    result = CliRunner().invoke(cli, ["consensus", *map(str, arguments)])
    assert "Traceback" not in result.output
    return result


def rows(path, key="unit"):
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
    return {row[0]: dict(zip(relation.columns, row)) for row in relation.fetchall()} if key == "unit" else relation.fetchall()


def test_support_intents_dirty_delivery(tmp_path):
    spec = SPECS / "support_intents" / "support_intents.aspec"
    out, summary = tmp_path / "labels.parquet", tmp_path / "summary.json"
    result = consensus(spec, "--data", SPECS / "support_intents" / "dirty", "--out", out, "--summary", summary)
    assert result.exit_code == 0, result.output
    labels = rows(out)
    assert len(labels) == 15
    # T-1011: kim and lee say shipping_delay, raj order_status
    assert labels["T-1011"] == {"unit": "T-1011", "label": "shipping_delay", "votes": 2, "annotators": 3,
                                "support": pytest.approx(2 / 3), "contested": False, "tied": False, "dissenters": ["raj"]}
    # T-1014: ola billing_promo_code against raj's `billing`: a tie, to the label the taxonomy declares first
    assert labels["T-1014"]["label"] == "billing"
    assert (labels["T-1014"]["contested"], labels["T-1014"]["tied"], labels["T-1014"]["dissenters"]) == (True, True, ["ola"])
    assert labels["T-1013"]["annotators"] == 1  # lee's row is missing from the dirty delivery
    report = json.loads(summary.read_text())
    assert (report["method"], report["task"], report["units"], report["contested"], report["tied"]) == \
        ("majority", "intents", 15, 1, 1)
    raj = next(s for s in report["skills"] if s["annotator"] == "raj")
    assert (raj["units"], raj["agreed"]) == (9, 8)  # raj differs on T-1011; T-1014 went his way
    assert "contested 1 · tied 1 · unanimous 13" in result.output


def sentiment_delivery(tmp_path, judgments: str) -> Path:
    folder = tmp_path / "delivery"
    folder.mkdir()
    shutil.copy(SPECS / "review_sentiment" / "clean" / "reviews.parquet", folder)
    (folder / "judgments.csv").write_text("review_id,annotator,sentiment,stars,seconds,judged_at\n" + judgments)
    return folder


def test_taxonomy_order_breaks_a_tie(tmp_path):
    folder = sentiment_delivery(tmp_path, "R001,amy,negative,2,10,2026-02-22T10:00:00\n"
                                          "R001,bo,positive,4,10,2026-02-22T10:00:00\n")
    out = tmp_path / "labels.parquet"
    result = consensus(SPECS / "review_sentiment" / "review_sentiment.aspec", "--data", folder, "--out", out,
                       "--task", "sentiment")
    assert result.exit_code == 0, result.output
    # `positive` is declared before `negative` in the Sentiment taxonomy (alphabetically it is after)
    assert rows(out)["R001"]["label"] == "positive"


def test_dawid_skene_on_review_sentiment(tmp_path):
    out = tmp_path / "labels.parquet"
    result = consensus(SPECS / "review_sentiment" / "review_sentiment.aspec", "--data", SPECS / "review_sentiment" / "clean",
                       "--out", out, "--task", "sentiment", "--method", "dawid_skene", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["convergence"]["converged"] and summary["convergence"]["iterations"] >= 2
    labels = rows(out)
    # R011: amy and bo positive, cy mixed; R012 all three mixed
    assert (labels["R011"]["label"], labels["R011"]["dissenters"]) == ("positive", ["cy"])
    assert (labels["R012"]["label"], labels["R012"]["votes"], labels["R012"]["dissenters"]) == ("mixed", 3, [])
    assert summary["labels"] == ["positive", "neutral", "negative", "mixed"]  # the taxonomy's order


def test_bradley_terry_on_reward_rankings(tmp_path):
    out = tmp_path / "scores.parquet"
    result = consensus(SPECS / "reward_ranking" / "reward_ranking.aspec", "--data", SPECS / "reward_ranking" / "clean",
                       "--out", out, "--task", "rank")
    assert result.exit_code == 0, result.output
    scores = [r for r in rows(out, key=None) if r[0] == "p001"]
    # all three annotators rank p001 as r3, r1, r2, r4
    assert [(r[1], r[3]) for r in scores] == [("r3", 1), ("r1", 2), ("r2", 3), ("r4", 4)]
    assert [r[4:] for r in scores] == [(9, 0, 0, 9), (6, 3, 0, 9), (3, 6, 0, 9), (0, 9, 0, 9)]


def test_span_consensus_on_news_ner(tmp_path):
    out = tmp_path / "spans.parquet"
    result = consensus(SPECS / "news_ner" / "news_ner.aspec", "--data", SPECS / "news_ner" / "clean", "--out", out)
    assert result.exit_code == 0, result.output
    spans = rows(out, key=None)
    assert len(spans) == 20
    assert ("d001", 69, 83, "ORG", 2.0, 3, False, ["chen"]) in spans  # chen missed the European Union
    assert not any(s[0] == "d006" and s[3] == "GPE" for s in spans)  # only chen marked New Zealand
    assert "kept 20 of 21 mentions" in result.output


def test_the_output_is_replaced_whole_and_no_temporary_file_is_left(tmp_path):
    out = tmp_path / "labels.parquet"
    out.write_text("old")
    spec, data = SPECS / "support_intents" / "support_intents.aspec", SPECS / "support_intents" / "clean"
    assert consensus(spec, "--data", data, "--out", out).exit_code == 0
    assert len(rows(out)) == 14 and [p.name for p in tmp_path.iterdir()] == ["labels.parquet"]


@pytest.mark.parametrize("arguments,message", [
    (["--task", "nope"], "the spec has no task `nope`; tasks: intents"),
    (["--method", "bradley_terry"], "no task to take a consensus of with bradley_terry"),
    (["--task", "intents", "--method", "spans"], "spans applies to spans tasks; task `intents` is a classification task"),
    (["--gold", "tickets.subject"], "--gold does not apply to --method majority"),
    (["--method", "gold_weighted"], "the gold-weighted vote needs gold answers"),
    (["--method", "dawid_skene", "--tolerance", "0"], "--tolerance must be above 0"),
    (["--method", "gold_weighted", "--gold", "nope.x"], "--gold nope.x: expected TABLE.COLUMN"),
])  # fmt: skip
def test_bad_options_exit_2(tmp_path, arguments, message):
    spec = SPECS / "support_intents" / "support_intents.aspec"
    result = consensus(spec, "--data", SPECS / "support_intents" / "clean", "--out", tmp_path / "l.parquet", *arguments)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_bad_inputs_exit_2(tmp_path):
    spec = SPECS / "review_sentiment" / "review_sentiment.aspec"
    several = consensus(spec, "--data", SPECS / "review_sentiment" / "clean", "--out", tmp_path / "l.parquet")
    assert several.exit_code == 2 and "several tasks to take a consensus of; name one with --task" in several.output
    missing = consensus(spec, "--out", tmp_path / "l.parquet", "--task", "sentiment")
    assert missing.exit_code == 2 and "no data for table `judgments`" in missing.output
    folder = consensus(spec, "--data", SPECS / "review_sentiment" / "clean", "--out", tmp_path, "--task", "sentiment")
    assert folder.exit_code == 2
    twice = sentiment_delivery(tmp_path, "R001,amy,negative,2,10,2026-02-22T10:00:00\n"
                                         "R001,amy,positive,4,10,2026-02-22T10:00:00\n")
    result = consensus(spec, "--data", twice, "--out", tmp_path / "l.parquet", "--task", "sentiment")
    assert result.exit_code == 2
    assert "judgments.csv: error: 1 unit(s) have more than one label from the same annotator" in result.output
    assert not (tmp_path / "l.parquet").exists()
    assert consensus(tmp_path / "none.aspec", "--out", tmp_path / "l.parquet").exit_code == 2


def test_task_skill_for_reports():
    from specc.consensus import task_skill
    from specc.inputs import default_bindings, load_table, parse_data_arguments
    from specc.resolve import load_checked

    spec = load_checked(SPECS / "support_intents" / "support_intents.aspec")
    bindings = {**default_bindings(spec), **parse_data_arguments((str(SPECS / "support_intents" / "dirty"),), spec)}
    con = duckdb.connect()
    load_table(con, spec, bindings["annotations"])
    skills = {s.annotator: s for s in task_skill(con, spec, "intents", method="majority")}
    assert (skills["raj"].units, skills["raj"].agreed, skills["raj"].confusion.count("shipping_delay", "order_status")) == (9, 8, 1)
    assert [row[0] for row in con.execute("SHOW TABLES").fetchall()] == ["annotations"]  # scratch tables dropped

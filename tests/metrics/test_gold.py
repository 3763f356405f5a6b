"""Gold accuracy per annotator with confusion matrices, by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from metric_tables import table

from specc.metrics import MetricError, gold_accuracy


@pytest.fixture
def labelled(con):
    ratings = pd.DataFrame(
        {
            "item": [1, 2, 3, 4, 1, 2, 3, 5],
            "annotator": ["A", "A", "A", "A", "B", "B", "B", "B"],
            "label": ["pos", "neg", "neg", "pos", "pos", "pos", "neu", "neg"],
        }
    )
    gold = pd.DataFrame({"item": [1, 2, 3, 4], "answer": ["pos", "neg", "neu", "pos"]})
    return table(con, "labels", ratings), table(con, "gold", gold)


def test_accuracy_and_confusion(con, labelled):
    ratings, gold = labelled
    result = gold_accuracy(con, ratings, gold, unit="item", coder="annotator", value="label", gold_value="answer")
    assert (result.compared, result.correct, result.ratings_without_gold) == (7, 5, 1)
    assert result.accuracy == pytest.approx(5 / 7)
    a, b = result.annotators
    assert (a.coder, a.compared, a.correct, a.accuracy) == ("A", 4, 3, 0.75)
    assert (b.coder, b.compared, b.correct) == ("B", 3, 2)
    assert a.confusion.labels == ("neg", "neu", "pos")
    # rows are gold, columns the annotator's label
    assert a.confusion.counts == ((1, 0, 0), (1, 0, 0), (0, 0, 2))
    assert b.confusion.count("neg", "pos") == 1 and b.confusion.count("neu", "neu") == 1
    assert result.confusion.counts == ((1, 0, 1), (1, 1, 0), (0, 0, 3))
    assert result.to_dict()["annotators"][0]["confusion"]["labels"] == ["neg", "neu", "pos"]


def test_numbers_against_text_gold(con):
    ratings = table(con, "numbers", pd.DataFrame({"unit": [1, 2], "coder": ["A", "A"], "value": [1, 2]}))
    gold = table(con, "text_gold", pd.DataFrame({"unit": [1, 2], "value": ["1", "3"]}))
    result = gold_accuracy(con, ratings, gold)
    assert (result.compared, result.correct) == (2, 1)


def test_duplicate_gold_is_an_error(con, labelled):
    ratings, _ = labelled
    gold = table(con, "twice", pd.DataFrame({"item": [1, 1], "answer": ["pos", "neg"]}))
    with pytest.raises(MetricError, match="more than one gold answer"):
        gold_accuracy(con, ratings, gold, unit="item", coder="annotator", value="label", gold_value="answer")


def test_relation_named_like_an_internal_name(con):
    ratings = table(con, "gold", pd.DataFrame({"unit": [1], "coder": ["A"], "value": ["x"]}))
    gold = table(con, "ratings", pd.DataFrame({"unit": [1], "value": ["x"]}))
    assert gold_accuracy(con, ratings, gold).accuracy == 1.0


def test_no_gold_overlap(con, labelled):
    ratings, _ = labelled
    gold = table(con, "elsewhere", pd.DataFrame({"item": [99], "answer": ["pos"]}))
    result = gold_accuracy(con, ratings, gold, unit="item", coder="annotator", value="label", gold_value="answer")
    assert result.accuracy is None and result.ratings_without_gold == 8
    assert all(a.accuracy is None for a in result.annotators)

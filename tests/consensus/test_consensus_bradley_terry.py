"""Bradley–Terry in SQL against choix's `mm_pairwise`, and the ranking and tie conventions.

choix takes (winner, loser) pairs and has no ties. A tie, half a win each way, is the same
as doubling the data: each decisive judgement given twice, a tie once each way, and the
pseudo-count doubled too, since (2W + 2α) / (2D + 2α) = (W + α) / (D + α).
"""

from __future__ import annotations

import choix
import numpy as np
import pytest

from specc.consensus import ConsensusError
from specc.consensus.bradley_terry import PreferenceColumns, RankingColumns, bradley_terry, scores_query
from specc.consensus.engine import Engine


def random_judgements(seed: int, units: int = 8, judges: int = 4, per_unit: int = 15):
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(units):
        strength = rng.normal(size=4)
        for k in range(per_unit):
            a, b = rng.choice(4, 2, replace=False)
            tie = rng.random() < 0.1
            a_wins = rng.random() < 1 / (1 + np.exp(strength[b] - strength[a]))
            winner, loser = (a, b) if a_wins else (b, a)
            rows.append((f"p{unit}", f"j{k % judges}", f"r{winner}", f"r{loser}", bool(tie)))
    return rows


def load(con, rows):
    con.execute("CREATE TABLE prefs (prompt VARCHAR, judge VARCHAR, chosen VARCHAR, rejected VARCHAR, tie BOOLEAN)")
    con.executemany("INSERT INTO prefs VALUES (?, ?, ?, ?, ?)", rows)


def scores(engine):
    return {(unit, response): (score, rank) for unit, response, score, rank, *_ in engine.fetch(scores_query(engine))}


@pytest.mark.parametrize("smoothing", [0.5, 1.0])
def test_same_scores_as_choix(con, smoothing):
    rows = random_judgements(seed=4)
    load(con, rows)
    engine = Engine(con)
    result = bradley_terry(engine, PreferenceColumns("prefs", "prompt", "judge", "chosen", "rejected", "tie"),
                           smoothing=smoothing, tolerance=1e-12, max_iterations=10_000)
    assert result.convergence.converged
    ours = scores(engine)
    for unit in sorted({row[0] for row in rows}):
        items = sorted({r for row in rows if row[0] == unit for r in row[2:4]})
        index = {item: i for i, item in enumerate(items)}
        doubled = []
        for _, _, winner, loser, tie in (row for row in rows if row[0] == unit):
            w, l = index[winner], index[loser]
            doubled += [(w, l), (l, w)] if tie else [(w, l), (w, l)]
        reference = choix.mm_pairwise(len(items), doubled, alpha=2 * smoothing, tol=1e-13, max_iter=100_000)
        for item in items:
            assert ours[(unit, item)][0] == pytest.approx(reference[index[item]], abs=1e-8)
    assert (result.units, result.responses, result.comparisons) == (8, 32, 120)


def test_counts_ranks_and_judge_agreement(con):
    load(con, [("p1", "a", "x", "y", False), ("p1", "b", "x", "y", False), ("p1", "c", "y", "x", False),
               ("p1", "a", "y", "z", False), ("p1", "b", "z", "y", True)])
    engine = Engine(con)
    result = bradley_terry(engine, PreferenceColumns("prefs", "prompt", "judge", "chosen", "rejected", "tie"))
    rows = {r[1]: r for r in engine.fetch(scores_query(engine))}
    # unit, response, score, rank, wins, losses, ties, comparisons
    assert rows["x"][3:] == (1, 2, 1, 0, 3)
    assert rows["y"][3:] == (2, 2, 2, 1, 5)
    assert rows["z"][3:] == (3, 0, 1, 1, 2)
    assert sum(r[2] for r in rows.values()) == pytest.approx(0, abs=1e-12)  # centred scores
    judges = {j.annotator: j for j in result.skills}
    assert (judges["a"].judgements, judges["a"].agreed) == (2, 2)
    assert (judges["c"].judgements, judges["c"].agreed, judges["c"].accuracy) == (1, 0, 0.0)
    assert (judges["b"].judgements, judges["b"].ties) == (1, 1)


def test_a_ranking_is_every_pair_with_the_first_ranked_winning(con):
    con.execute("CREATE TABLE ranks AS SELECT * FROM (VALUES ('p1', 'a', ['r2', 'r1', 'r3'])) AS v(prompt, judge, ranking)")
    engine = Engine(con)
    result = bradley_terry(engine, RankingColumns("ranks", "prompt", "judge", "ranking"), tolerance=1e-12,
                           max_iterations=10_000)
    assert result.comparisons == 3
    rows = {r[1]: r for r in engine.fetch(scores_query(engine))}
    assert [rows[r][3] for r in ("r2", "r1", "r3")] == [1, 2, 3]
    assert (rows["r2"][4], rows["r1"][4], rows["r3"][4]) == (2, 1, 0)
    reference = choix.mm_pairwise(3, [(1, 0), (1, 2), (0, 2)] * 2, alpha=2.0, tol=1e-13, max_iter=100_000)
    assert [rows[r][2] for r in ("r1", "r2", "r3")] == pytest.approx(list(reference), abs=1e-8)


def test_smoothing_must_be_positive(con):
    load(con, [("p1", "a", "x", "y", False)])
    with pytest.raises(ConsensusError, match="smoothing above 0"):
        bradley_terry(Engine(con), PreferenceColumns("prefs", "prompt", "judge", "chosen", "rejected"), smoothing=0)

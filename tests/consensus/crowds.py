"""Seeded synthetic crowds, generated inside DuckDB (no Python loop over rows).

Every unit u has a hidden true label drawn from the class priors; `per_unit` annotators,
consecutive in the pool from a hashed offset, each answer by drawing from the row of their
confusion matrix that the true label selects. Draws come from `hash(...)`, so the same
seed gives the same crowd on every run and thread count.
"""

from __future__ import annotations

import itertools

import numpy as np

RESOLUTION = 1_000_000


def accuracy_matrix(accuracy: float, size: int) -> np.ndarray:
    """Right with probability `accuracy`, otherwise any other label alike."""
    matrix = np.full((size, size), (1 - accuracy) / (size - 1))
    np.fill_diagonal(matrix, accuracy)
    return matrix


def _bounds(confusions: list[np.ndarray]):
    """(annotator_id, true_id, given_id, low, high): each row's cumulative draw intervals."""
    rows = []
    for annotator_id, matrix in enumerate(confusions):
        for true_id, row in enumerate(np.asarray(matrix)):
            edges = np.concatenate([[0], np.cumsum(row)]) * RESOLUTION
            edges[-1] = RESOLUTION  # rounding must not leave a gap at the top
            for given_id in range(len(row)):
                rows.append((annotator_id, true_id, given_id, int(round(edges[given_id])), int(round(edges[given_id + 1]))))
    return rows


def plant_crowd(con, name: str, units: int, per_unit: int, confusions: list, priors, seed: int = 0,
                labels: tuple | None = None) -> None:  # fmt: skip
    """Create `name` (unit, annotator, label) and `name_truth` (unit, label) in `con`."""
    size = len(priors)
    labels = labels or tuple(f"c{i}" for i in range(size))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_bounds (annotator_id INT, true_id INT, given_id INT, low BIGINT, high BIGINT)")
    con.executemany(f"INSERT INTO {name}_bounds VALUES (?, ?, ?, ?, ?)", _bounds(confusions))
    edges = np.concatenate([[0], np.cumsum(priors)]) * RESOLUTION
    edges[-1] = RESOLUTION
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_priors (true_id INT, low BIGINT, high BIGINT, label VARCHAR)")
    con.executemany(f"INSERT INTO {name}_priors VALUES (?, ?, ?, ?)",
                    [(i, int(round(edges[i])), int(round(edges[i + 1])), labels[i]) for i in range(size)])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {name}_truth AS
        SELECT u.range AS unit, p.true_id, p.label, hash(u.range, {seed}, 'offset') % {len(confusions)} AS offset
        FROM range({units}) AS u
        JOIN {name}_priors AS p ON hash(u.range, {seed}, 'truth') % {RESOLUTION} >= p.low
                               AND hash(u.range, {seed}, 'truth') % {RESOLUTION} < p.high""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        WITH assigned AS (
            SELECT t.unit, t.true_id, CAST((t.offset + j.range) % {len(confusions)} AS INT) AS annotator_id,
                   hash(t.unit, j.range, {seed}, 'answer') % {RESOLUTION} AS draw
            FROM {name}_truth AS t CROSS JOIN range({per_unit}) AS j
        )
        SELECT a.unit, 'w' || lpad(CAST(a.annotator_id AS VARCHAR), 2, '0') AS annotator, p.label
        FROM assigned AS a
        JOIN {name}_bounds AS b ON b.annotator_id = a.annotator_id AND b.true_id = a.true_id
                                AND a.draw >= b.low AND a.draw < b.high
        JOIN {name}_priors AS p ON p.true_id = b.given_id""")


def annotator_name(index: int) -> str:
    return f"w{index:02d}"


def frame(con, name: str):
    """The crowd as crowd-kit's DataFrame (task, worker, label), for the reference runs."""
    return con.execute(f"SELECT unit AS task, annotator AS worker, label FROM {name}").df()


def pairs(iterable):
    return list(itertools.combinations(iterable, 2))

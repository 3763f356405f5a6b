"""A seeded percentile bootstrap over units for Krippendorff's alpha.

Resampling units with replacement changes alpha only through sums over units, so DuckDB
reduces the data once to unit *patterns*: the sorted list of category ranks in a unit,
with how many units share it. Drawing U units uniformly with replacement is the same as
drawing how many times each pattern is taken from Multinomial(U, units_p / U), so each
bootstrap draw is arithmetic over the few patterns (at most one per unit) in numpy, never
a pass over the rows. With every pattern taken `units_p` times the same arithmetic gives
the point value, which the tests use to check it against the SQL alpha.

The interval is the percentile interval of the draws where alpha is defined; draws whose
expected disagreement is zero are counted as undefined and left out. Same seed, same data,
same interval: numpy's PCG64 generator, and patterns and categories in a fixed order.
This is the one metrics module that needs numpy; `specc.metrics` imports it on first use.
"""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np

from .alpha import alpha_of, level_ratings
from .errors import MetricError
from .relation import Ratings, categories_cte, execute
from .results import AlphaResult, Interval

# Ratio alpha's expected disagreement needs the distance between every two values.
RATIO_VALUE_LIMIT = 3000

PATTERNS_SQL = """
WITH ratings AS ({ratings}),
categories AS ({categories}),
unit_patterns AS (
    SELECT list(categories.idx ORDER BY categories.idx) AS pattern
    FROM ratings JOIN categories USING (value)
    GROUP BY ratings.unit HAVING count(*) >= 2
),
patterns AS (
    SELECT row_number() OVER (ORDER BY pattern) - 1 AS pattern_id, pattern, count(*) AS units
    FROM unit_patterns GROUP BY pattern
),
entries AS (
    SELECT pattern_id, units, unnest(pattern) AS idx FROM patterns
)
SELECT entries.pattern_id, entries.units, entries.idx, count(*) AS n,
       {category_value} AS category_value
FROM entries JOIN categories USING (idx)
GROUP BY entries.pattern_id, entries.units, entries.idx, categories.value
ORDER BY entries.pattern_id, entries.idx"""


@dataclasses.dataclass(frozen=True)
class Patterns:
    """Entries (pattern, category rank, count) of every distinct unit pattern, as arrays."""

    pattern: object  # pattern id of each entry
    category: object  # category rank of each entry
    count: object  # how many values of that category the pattern holds
    units: object  # units per pattern
    values: object  # numeric value of each category rank (interval, ratio)


def bootstrap_alpha(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    level: str = "nominal",
    order: list | None = None,
    iterations: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> AlphaResult:
    """Alpha with a percentile bootstrap interval over units."""
    if iterations < 1 or not 0 < confidence < 1:
        raise MetricError("the bootstrap needs at least one iteration and a confidence between 0 and 1")
    source = level_ratings(con, relation, unit, coder, value, level, order)
    point = alpha_of(con, source, level, order)
    if point.value is None:  # no pairable unit, one value only, or negative ratio data: so is every draw
        return dataclasses.replace(point, interval=Interval(None, None, confidence, iterations, seed, iterations))
    interval = bootstrap_interval(con, source, level, order, iterations, seed, confidence)
    return dataclasses.replace(point, interval=interval)


def bootstrap_interval(con, source: Ratings, level, order, iterations, seed, confidence) -> Interval:
    patterns = fetch_patterns(con, source, level, order)
    draws = alpha_draws(patterns, level, iterations, np.random.default_rng(seed))
    defined = draws[~np.isnan(draws)]
    tail = (1 - confidence) / 2
    low, high = (float(x) for x in np.quantile(defined, [tail, 1 - tail])) if defined.size else (None, None)
    return Interval(low, high, confidence, iterations, seed, int(draws.size - defined.size))


def fetch_patterns(con, source: Ratings, level: str, order: list | None) -> Patterns:
    numeric = level in ("interval", "ratio")
    sql = PATTERNS_SQL.format(
        ratings=source.sql,
        categories=categories_cte(source.value_type, order),
        category_value="CAST(categories.value AS DOUBLE)" if numeric else "0.0",
    )
    columns = execute(con, sql, source.parameters).fetchnumpy()
    pattern = np.asarray(columns["pattern_id"], dtype=np.int64)
    category = np.asarray(columns["idx"], dtype=np.int64)
    units = np.zeros(pattern.max() + 1 if pattern.size else 0)
    units[pattern] = columns["units"]
    values = np.zeros(category.max() + 1 if category.size else 0)
    values[category] = columns["category_value"]
    return Patterns(pattern, category, np.asarray(columns["n"], dtype=np.float64), units, values)


def alpha_draws(patterns: Patterns, level: str, iterations: int, rng):
    """Alpha for `iterations` multinomial resamples of the units; NaN where undefined."""
    total_units = int(patterns.units.sum())
    if total_units == 0:
        return np.full(iterations, np.nan)
    probabilities = patterns.units / total_units
    statistic = level_statistic(patterns, level)
    return np.array([statistic(rng.multinomial(total_units, probabilities)) for _ in range(iterations)])


def level_statistic(patterns: Patterns, level: str):
    """A function from units taken per pattern to alpha, for one level of measurement."""
    if level == "ordinal":
        return lambda taken: ordinal_alpha(patterns, taken)
    fixed_observed = {
        "nominal": nominal_pattern_disagreement,
        "interval": interval_pattern_disagreement,
        "ratio": ratio_pattern_disagreement,
    }[level](patterns)
    expected = {
        "nominal": nominal_expected,
        "interval": interval_expected,
        "ratio": ratio_expected,
    }[level](patterns)
    return lambda taken: alpha_from(taken @ fixed_observed, *expected(margins(patterns, taken)))


def margins(patterns: Patterns, taken):
    weights = taken[patterns.pattern] * patterns.count
    return np.bincount(patterns.category, weights=weights, minlength=patterns.values.size)


def alpha_from(observed_total, pairable, expected):
    """alpha = 1 - D_o / D_e with D_o = observed_total / n; NaN when D_e is zero."""
    if pairable < 2 or expected <= 0:
        return float("nan")
    return 1.0 - (observed_total / pairable) / expected


def pattern_sizes(patterns: Patterns):
    return np.bincount(patterns.pattern, weights=patterns.count, minlength=patterns.units.size)


def nominal_pattern_disagreement(patterns: Patterns):
    """Per pattern, sum over ordered pairs of unequal values / (m - 1)."""
    m = pattern_sizes(patterns)
    squares = np.bincount(patterns.pattern, weights=patterns.count**2, minlength=m.size)
    return (m * m - squares) / (m - 1)


def nominal_expected(patterns: Patterns):
    def expected(margin):
        n = margin.sum()
        return n, (n * n - (margin**2).sum()) / (n * (n - 1)) if n > 1 else 0.0

    return expected


def spread(patterns: Patterns, positions):
    """Per pattern, 2 m SS / (m - 1): the interval disagreement of its values at `positions`."""
    m = pattern_sizes(patterns)
    at = positions[patterns.category]
    mean = np.bincount(patterns.pattern, weights=patterns.count * at, minlength=m.size) / m
    deviations = patterns.count * (at - mean[patterns.pattern]) ** 2
    squares = np.bincount(patterns.pattern, weights=deviations, minlength=m.size)
    return 2 * m * squares / (m - 1)


def interval_pattern_disagreement(patterns: Patterns):
    return spread(patterns, patterns.values)


def pooled_expected(margin, positions):
    n = margin.sum()
    if n < 2:
        return n, 0.0
    mean = (margin * positions).sum() / n
    return n, 2 * (margin * (positions - mean) ** 2).sum() / (n - 1)


def interval_expected(patterns: Patterns):
    return lambda margin: pooled_expected(margin, patterns.values)


def ordinal_alpha(patterns: Patterns, taken):
    """Ordinal alpha is interval alpha on mid-ranks, which move with the resampled margins."""
    margin = margins(patterns, taken)
    positions = np.cumsum(margin) - margin / 2
    n, expected = pooled_expected(margin, positions)
    return alpha_from(taken @ spread(patterns, positions), n, expected)


def ratio_distances(values):
    total = values[:, None] + values[None, :]
    difference = values[:, None] - values[None, :]
    ratio = np.divide(difference, total, out=np.zeros_like(total), where=total != 0)
    return ratio * ratio


def ratio_pattern_disagreement(patterns: Patterns):
    """Per pattern, the ratio distance of each pair of its distinct values: entries k apart, for each k."""
    m = pattern_sizes(patterns)
    total = np.zeros(m.size)
    values = patterns.values[patterns.category]
    for offset in range(1, int(np.bincount(patterns.pattern).max(initial=1))):
        same = patterns.pattern[offset:] == patterns.pattern[:-offset]
        a, b = values[:-offset][same], values[offset:][same]
        weight = patterns.count[:-offset][same] * patterns.count[offset:][same]
        owner = patterns.pattern[:-offset][same]
        total += np.bincount(owner, weights=2 * weight * pair_ratio(a, b), minlength=m.size)
    return total / (m - 1)


def pair_ratio(a, b):
    total = a + b
    ratio = np.divide(a - b, total, out=np.zeros_like(total), where=total != 0)
    return ratio * ratio


def ratio_expected(patterns: Patterns):
    if patterns.values.size > RATIO_VALUE_LIMIT:
        raise MetricError(
            f"the ratio bootstrap supports at most {RATIO_VALUE_LIMIT} distinct values;"
            f" the data has {patterns.values.size}"
        )
    distances = ratio_distances(patterns.values)

    def expected(margin):
        n = margin.sum()
        return n, (margin @ distances @ margin) / (n * (n - 1)) if n > 1 else 0.0

    return expected

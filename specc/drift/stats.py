"""Label-distribution shift between two count tables: Jensen–Shannon distance and the
chi-square test of homogeneity, with its p-value from the regularised incomplete gamma.

Both read only the counts (a few labels), never the rows. Conventions (docs/metrics.md):
labels counted zero in both deliveries are left out; the distance uses base-2 logarithms, so
it lies in [0, 1]; with fewer than two labels seen, or an empty side, the test is undefined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ChiSquare:
    statistic: float
    df: int
    p_value: float


def shares(counts: dict) -> dict:
    total = sum(counts.values())
    return {label: (n / total if total else 0.0) for label, n in counts.items()}


def js_distance(before: dict, after: dict) -> float | None:
    """sqrt of the Jensen–Shannon divergence (base 2) of the two label shares; None if a side is empty."""
    if not sum(before.values()) or not sum(after.values()):
        return None
    labels = set(before) | set(after)
    p, q = shares(before), shares(after)
    divergence = 0.0
    for label in labels:
        a, b = p.get(label, 0.0), q.get(label, 0.0)
        middle = (a + b) / 2
        divergence += _kl_term(a, middle) / 2 + _kl_term(b, middle) / 2
    return math.sqrt(max(divergence, 0.0))


def _kl_term(share: float, middle: float) -> float:
    return share * math.log2(share / middle) if share > 0 else 0.0


def chi_square(before: dict, after: dict) -> ChiSquare | None:
    """Pearson's chi-square test that both deliveries draw labels from one distribution (2 × K)."""
    labels = [label for label in set(before) | set(after) if before.get(label, 0) + after.get(label, 0) > 0]
    totals = (sum(before.values()), sum(after.values()))
    if len(labels) < 2 or not all(totals):
        return None
    grand = sum(totals)
    statistic = 0.0
    for label in labels:
        column = before.get(label, 0) + after.get(label, 0)
        for side, total in zip((before, after), totals):
            expected = column * total / grand
            statistic += (side.get(label, 0) - expected) ** 2 / expected
    df = len(labels) - 1
    return ChiSquare(statistic, df, chi_square_survival(statistic, df))


def chi_square_survival(statistic: float, df: int) -> float:
    """P(X >= statistic) for X ~ chi-square(df): the upper regularised gamma Q(df/2, statistic/2)."""
    if statistic <= 0:
        return 1.0
    return _upper_gamma(df / 2, statistic / 2)


def _upper_gamma(a: float, x: float) -> float:
    # Below a+1 the series for the lower function converges fast; above, the continued fraction
    # for the upper one does (Lentz's method). Both to ~1e-15 relative.
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-16:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    fraction = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        fraction *= step
        if abs(step - 1) < 1e-16:
            break
    return math.exp(log_prefix) * fraction

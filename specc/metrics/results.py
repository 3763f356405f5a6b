"""Results of the consistency metrics: frozen values with a `to_dict()` for the JSON report.

An undefined statistic (alpha when expected disagreement is zero, a kappa with no chance
disagreement, an F1 with no spans) is `None` with a reason, never 0 or 1: a gate must not
pass or fail on a number that was never computed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


def plain(value):
    """Dataclasses, tuples and dicts as JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


class _Serialisable:
    def to_dict(self) -> dict:
        return plain(self)


@dataclass(frozen=True)
class Interval(_Serialisable):
    """A percentile bootstrap interval over units."""

    low: float | None
    high: float | None
    confidence: float
    iterations: int
    seed: int
    undefined_draws: int


@dataclass(frozen=True)
class AlphaResult(_Serialisable):
    value: float | None
    level: str
    units: int
    coders: int
    pairable_values: int
    observed_disagreement: float | None
    expected_disagreement: float | None
    percent_agreement: float | None
    undefined_reason: str | None = None
    interval: Interval | None = None


@dataclass(frozen=True)
class PercentAgreementResult(_Serialisable):
    """`value` is the `form` asked for; `forms` holds all three (`pairs`, `pooled`, `unanimous`)."""

    value: float | None
    units: int
    coders: int
    pairable_values: int
    undefined_reason: str | None = None
    form: str = "pairs"
    forms: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FleissResult(_Serialisable):
    value: float | None
    raters_per_unit: int | None
    units: int
    units_excluded: int
    coders: int
    pairable_values: int
    categories: int
    observed_agreement: float | None
    expected_agreement: float | None
    undefined_reason: str | None = None

    @property
    def percent_agreement(self) -> float | None:
        """Fleiss' mean observed agreement is the percent agreement over the units used."""
        return self.observed_agreement


@dataclass(frozen=True)
class PairKappa(_Serialisable):
    coder_a: object
    coder_b: object
    value: float | None
    units: int
    agreement: float


@dataclass(frozen=True)
class CohenResult(_Serialisable):
    value: float | None
    weights: str
    units: int
    coders: int
    pairable_values: int
    percent_agreement: float | None
    pairs: tuple[PairKappa, ...]
    undefined_pairs: int
    min_units: int = 20  # pairs sharing fewer units are listed but left out of the mean
    pairs_below_min_units: int = 0
    undefined_reason: str | None = None


@dataclass(frozen=True)
class AnnotatorAgreement(_Serialisable):
    """One annotator against the others: pairwise, against the majority, and left out of alpha."""

    coder: object
    ratings: int
    agreement_with_others: float | None
    kappa_with_others: float | None  # weighted by shared units, over pairs sharing min_units or more
    kappa_pairs: int  # the pairs in kappa_with_others
    kappa_units: int  # the units they share: the figure's support
    pairs_below_min_units: int  # pairs with a kappa, left out for sharing fewer than min_units
    majority_units: int
    agreement_with_majority: float | None
    kappa_with_majority: float | None
    alpha_without: float | None
    alpha_change: float | None


@dataclass(frozen=True)
class PerAnnotatorResult(_Serialisable):
    level: str
    alpha: float | None
    annotators: tuple[AnnotatorAgreement, ...]
    min_units: int = 20


@dataclass(frozen=True)
class ConfusionMatrix(_Serialisable):
    """Rows are gold labels, columns the annotator's labels, both in `labels` order."""

    labels: tuple
    counts: tuple[tuple[int, ...], ...]

    def count(self, gold, label) -> int:
        return self.counts[self.labels.index(gold)][self.labels.index(label)]


@dataclass(frozen=True)
class AnnotatorGold(_Serialisable):
    coder: object
    compared: int
    correct: int
    accuracy: float | None
    confusion: ConfusionMatrix


@dataclass(frozen=True)
class GoldResult(_Serialisable):
    accuracy: float | None
    compared: int
    correct: int
    ratings_without_gold: int
    confusion: ConfusionMatrix
    annotators: tuple[AnnotatorGold, ...]
    units: int = 0  # distinct units the `compared` ratings cover


@dataclass(frozen=True)
class SpanScores(_Serialisable):
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class SpanPair(_Serialisable):
    """Annotator A is the reference: recall is over A's spans, precision over B's."""

    annotator_a: object
    annotator_b: object
    units: int
    matched: float
    spans_a: int
    spans_b: int
    scores: SpanScores


@dataclass(frozen=True)
class SpanAgreementResult(_Serialisable):
    mode: str
    micro: SpanScores
    macro: SpanScores
    units: int
    annotators: int
    pairs: tuple[SpanPair, ...]


@dataclass(frozen=True)
class TauPair(_Serialisable):
    annotator_a: object
    annotator_b: object
    value: float | None
    units: int


@dataclass(frozen=True)
class KendallTauResult(_Serialisable):
    """Mean tau-b over every (unit, annotator pair) comparison where it is defined."""

    value: float | None
    comparisons: int
    undefined_comparisons: int
    pairs: tuple[TauPair, ...]


@dataclass(frozen=True)
class ItemConcordance(_Serialisable):
    unit: object
    value: float | None
    raters: int
    responses: int


@dataclass(frozen=True)
class KendallWResult(_Serialisable):
    """Mean Kendall's W over the items where it is defined, and W per item."""

    value: float | None
    items: tuple[ItemConcordance, ...]
    undefined_items: int


@dataclass(frozen=True)
class PreferenceResult(_Serialisable):
    percent_agreement: float | None
    alpha: AlphaResult
    units: int
    annotators: int
    outcomes: dict

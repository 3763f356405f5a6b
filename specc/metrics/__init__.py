"""Consistency metrics computed in DuckDB: agreement between annotators and with gold.

Every function takes a DuckDB connection, the name of a table or view registered in it, and
the names of its columns, and returns a frozen result with `to_dict()`. The data never
leaves DuckDB row by row: queries reduce it to counts (per unit, per category, per pair of
annotators) and Python does the last arithmetic on those. See docs/metrics.md.
"""

from .alpha import LEVELS, krippendorff_alpha
from .errors import ChoiceNeeded, MetricError
from .gold import gold_accuracy
from .kappa import MIN_UNITS, WEIGHTS, cohen_kappa, fleiss_kappa
from .per_annotator import per_annotator_agreement
from .percent import FORMS as PERCENT_FORMS
from .percent import percent_agreement
from .preference import preference_agreement, ranking_preference_agreement
from .ranking import kendall_tau, kendalls_w
from .relation import (
    RepeatedAnswers,
    check_latest_by,
    check_one_value_per_coder,
    latest_rows_sql,
    latest_ties,
    repeated_answers,
)
from .results import (
    AlphaResult,
    AnnotatorAgreement,
    AnnotatorGold,
    CohenResult,
    ConfusionMatrix,
    FleissResult,
    GoldResult,
    Interval,
    ItemConcordance,
    KendallTauResult,
    KendallWResult,
    PairKappa,
    PercentAgreementResult,
    PerAnnotatorResult,
    PreferenceResult,
    SpanAgreementResult,
    SpanPair,
    SpanScores,
    TauPair,
)
from .spans import MODES as SPAN_MODES
from .spans import span_agreement

__all__ = [
    "LEVELS",
    "MIN_UNITS",
    "PERCENT_FORMS",
    "SPAN_MODES",
    "WEIGHTS",
    "AlphaResult",
    "AnnotatorAgreement",
    "AnnotatorGold",
    "ChoiceNeeded",
    "CohenResult",
    "ConfusionMatrix",
    "FleissResult",
    "GoldResult",
    "Interval",
    "ItemConcordance",
    "KendallTauResult",
    "KendallWResult",
    "MetricError",
    "PairKappa",
    "PerAnnotatorResult",
    "PercentAgreementResult",
    "PreferenceResult",
    "RepeatedAnswers",
    "SpanAgreementResult",
    "SpanPair",
    "SpanScores",
    "TauPair",
    "bootstrap_alpha",
    "check_latest_by",
    "check_one_value_per_coder",
    "cohen_kappa",
    "fleiss_kappa",
    "gold_accuracy",
    "kendall_tau",
    "kendalls_w",
    "krippendorff_alpha",
    "latest_rows_sql",
    "latest_ties",
    "per_annotator_agreement",
    "percent_agreement",
    "preference_agreement",
    "ranking_preference_agreement",
    "repeated_answers",
    "span_agreement",
]


def __getattr__(name: str):
    """The bootstrap needs numpy, so it is imported only when asked for."""
    if name == "bootstrap_alpha":
        from .bootstrap import bootstrap_alpha

        return bootstrap_alpha
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

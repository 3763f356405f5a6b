"""What consensus hands back to Python: small frozen values with `to_dict()` for JSON.

The labels themselves never come back: they are written by the engine (`COPY … TO`). What
comes back is per annotator (a confusion matrix of a few labels), per label (a prior), or
one number per EM iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..metrics.results import ConfusionMatrix, _Serialisable


@dataclass(frozen=True)
class EstimatedMatrix(_Serialisable):
    """Dawid–Skene's estimate P(given label | true label): rows true labels, columns given."""

    labels: tuple
    probabilities: tuple[tuple[float, ...], ...]

    def probability(self, true, given) -> float:
        return self.probabilities[self.labels.index(true)][self.labels.index(given)]


@dataclass(frozen=True)
class GoldBasis(_Serialisable):
    """What a gold-weighted vote rests on for one annotator."""

    compared: int  # ratings of units that have a gold answer
    correct: int
    weight: float | None


@dataclass(frozen=True)
class AnnotatorSkill(_Serialisable):
    """One annotator against the consensus labels (rows of `confusion` are consensus labels)."""

    annotator: str
    units: int  # units rated that have a consensus label: what the figures rest on
    agreed: int
    accuracy: float | None
    confusion: ConfusionMatrix
    estimated: EstimatedMatrix | None = None  # Dawid–Skene only
    estimated_accuracy: float | None = None  # Σ_c prior_c · P(c | c), Dawid–Skene only
    gold: GoldBasis | None = None  # gold-weighted vote only


@dataclass(frozen=True)
class Convergence(_Serialisable):
    """How an iterative method stopped."""

    iterations: int
    converged: bool
    tolerance: float
    max_iterations: int
    last_change: float | None  # the stopping figure at the last iteration
    log_likelihood: float | None = None  # Dawid–Skene: the data under the last E-step's parameters
    log_likelihood_history: tuple[float, ...] = ()


@dataclass(frozen=True)
class LabelConsensus(_Serialisable):
    """Summary of a label consensus (majority, gold-weighted, Dawid–Skene)."""

    method: str
    units: int
    annotators: int
    responses: int
    labels: tuple
    contested: int  # units whose label has no more than half the support
    tied: int  # units where the tie rule chose the label
    unanimous: int
    priors: dict | None  # label -> class prior (Dawid–Skene)
    convergence: Convergence | None
    skills: tuple[AnnotatorSkill, ...]


@dataclass(frozen=True)
class JudgeAgreement(_Serialisable):
    """One annotator's untied pairwise judgements against the Bradley–Terry order."""

    annotator: str
    units: int
    judgements: int  # decisive judgements of pairs whose consensus scores differ
    agreed: int
    accuracy: float | None
    ties: int  # judgements the annotator gave as ties (not scored)


@dataclass(frozen=True)
class BradleyTerryConsensus(_Serialisable):
    method: str
    units: int
    responses: int
    comparisons: int
    annotators: int
    smoothing: float
    convergence: Convergence
    skills: tuple[JudgeAgreement, ...]


@dataclass(frozen=True)
class SpanSkill(_Serialisable):
    """One annotator's spans against the consensus spans, under the same matching mode."""

    annotator: str
    units: int
    spans: int
    kept_spans: int  # consensus spans in the annotator's units
    matched: float  # the annotator's support of consensus spans (partial mode counts halves)
    precision: float | None
    recall: float | None


@dataclass(frozen=True)
class SpanConsensus(_Serialisable):
    method: str
    mode: str
    min_annotators: int | None  # None: more than half of each unit's annotators
    units: int
    annotators: int
    spans: int  # spans given by all annotators
    mentions: int  # groups of matching spans
    kept: int
    contested: int
    empty_units: int  # units where no span was kept
    skills: tuple[SpanSkill, ...]

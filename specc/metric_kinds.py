"""The metrics a spec may declare, with the options each accepts and the tasks it applies to."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricKind:
    name: str
    option_groups: tuple[tuple[str, ...], ...]  # at most one word from each group
    task_kinds: tuple[str, ...]  # empty: any task
    needs_against: bool = False  # gold metrics name the gold column
    needs_of: bool = False  # summary metrics name the column they summarise
    higher_is_better: bool = True
    # drift metrics compare this delivery with `--baseline REPORT`; without one they are not
    # evaluated (specc.drift.compare)
    needs_baseline: bool = False

    def options(self) -> set[str]:
        return {word for group in self.option_groups for word in group}


# Label agreement needs one answer per unit and annotator: a classification label, a rating,
# a token's tag (the unit is then the token), or a multilabel list taken as one set. Spans are
# compared with `span_f1`, preferences with `preference_agreement`.
_LABEL_TASKS = ("classification", "multilabel", "rating", "tokens")

METRIC_KINDS: dict[str, MetricKind] = {
    kind.name: kind
    for kind in (
        MetricKind("alpha", (("nominal", "ordinal", "interval", "ratio"),), _LABEL_TASKS),
        MetricKind("fleiss_kappa", (), _LABEL_TASKS),
        MetricKind("cohen_kappa", (("unweighted", "linear", "quadratic"),), _LABEL_TASKS),
        MetricKind("percent_agreement", (("pairs", "pooled", "unanimous"),), _LABEL_TASKS),
        MetricKind("span_f1", (("strict", "exact", "partial", "type"), ("micro", "macro")), ("spans",)),
        MetricKind("kendall_tau", (), ("ranking",)),
        MetricKind("kendall_w", (), ("ranking",)),
        MetricKind("preference_agreement", (("percent", "alpha"),), ("preference", "ranking")),
        MetricKind("gold_accuracy", (("missing_as_wrong", "missing_left_out"),), _LABEL_TASKS, needs_against=True),
        MetricKind("position_bias", (), ("preference",), higher_is_better=False),
        MetricKind("mean", (), (), needs_of=True, higher_is_better=False),
        MetricKind("median", (), (), needs_of=True, higher_is_better=False),
        MetricKind("label_drift", (), _LABEL_TASKS, higher_is_better=False, needs_baseline=True),
        MetricKind("metric_change", (), (), needs_baseline=True),
    )
}

# A `per` group below this many units is reported but cannot fail or warn the gate on its own:
# a figure over a handful of shared units says more about chance than about the annotator.
DEFAULT_MIN_UNITS = 20

PERCENTILE = re.compile(r"p([1-9][0-9]?)")


def metric_kind(name: str) -> MetricKind | None:
    """The kind named `name`; `p90`, `p95`, any `pNN` from p1 to p99 is a percentile summary."""
    if name in METRIC_KINDS:
        return METRIC_KINDS[name]
    if PERCENTILE.fullmatch(name):
        return MetricKind(name, (), (), needs_of=True, higher_is_better=False)
    return None

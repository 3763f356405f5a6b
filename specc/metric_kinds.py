"""The metrics a spec may declare, with the options each accepts and the tasks it applies to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricKind:
    name: str
    option_groups: tuple[tuple[str, ...], ...]  # at most one word from each group
    task_kinds: tuple[str, ...]  # empty: any task
    needs_against: bool = False  # gold metrics name the gold column
    needs_of: bool = False  # summary metrics name the column they summarise
    higher_is_better: bool = True

    def options(self) -> set[str]:
        return {word for group in self.option_groups for word in group}


_LABEL_TASKS = ("classification", "multilabel", "rating", "spans", "tokens", "preference")

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
        MetricKind("gold_accuracy", (), _LABEL_TASKS, needs_against=True),
        MetricKind("position_bias", (), ("preference",), higher_is_better=False),
        MetricKind("mean", (), (), needs_of=True, higher_is_better=False),
        MetricKind("median", (), (), needs_of=True, higher_is_better=False),
    )
}

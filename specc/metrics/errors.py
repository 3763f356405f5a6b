"""The exceptions the metrics raise for bad input, so callers can turn them into diagnostics.

The metrics are library code: they neither print nor exit. The CLI and the QA engine catch
`MetricError` at their edge and render it as a usage error with the relation's name.
`ChoiceNeeded` is the part of it where the data is readable but the metric is not defined
on it until someone decides something: the order of text categories, or which of several
answers of one coder to a unit counts. `specc agree` refuses such data (exit 2); a spec's
metric reports itself undefined with the message as its reason.
"""

from __future__ import annotations


class MetricError(ValueError):
    """A relation or column the metric cannot use: missing, wrongly typed, or inconsistent."""


class ChoiceNeeded(MetricError):
    """The metric needs a decision the data does not make: `needs` is `order` (text categories
    at ordinal level or with kappa weights), `placing` (values the given order does not list)
    or `one answer` (several answers per unit and coder), so each caller can say how *its*
    user makes that choice."""

    def __init__(self, message: str, needs: str):
        super().__init__(message)
        self.needs = needs

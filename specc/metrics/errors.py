"""The one exception the metrics raise for bad input, so callers can turn it into a diagnostic.

The metrics are library code: they neither print nor exit. The CLI and the QA engine catch
`MetricError` at their edge and render it as a usage error with the relation's name.
"""

from __future__ import annotations


class MetricError(ValueError):
    """A relation or column the metric cannot use: missing, wrongly typed, or inconsistent."""

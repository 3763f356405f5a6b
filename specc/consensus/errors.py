"""The one exception consensus raises for bad input; the command turns it into exit 2."""

from __future__ import annotations


class ConsensusError(ValueError):
    """Input a consensus method cannot use: a missing column, no rows, duplicate votes, bad options."""

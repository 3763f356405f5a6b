"""Progress events of a run: what the runner is doing, for a live display or a log.

The runner calls `RunOptions.progress(event)` (when set) at each step; it never prints.
`phase` is one of load | checks | metrics | compliance | quarantine | done; `table` and
`check` name what the step works on when there is one; `done`/`total` count the steps of the
phase (statements of the check phase, metrics of the metric phase) when known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ProgressEvent:
    phase: str
    table: str | None = None
    check: str | None = None
    done: int | None = None
    total: int | None = None
    elapsed: float = 0.0  # seconds since the run started


Progress = Callable[[ProgressEvent], None]

"""Progress events of a run: what the runner is doing, for a live display or a log.

The runner calls `RunOptions.progress(event)` (when set) at each step; it never prints.
`phase` is one of load | checks | samples | metrics | compliance | quarantine | report | done
(`report` comes from the caller, while it renders and writes the reports, after the runner's
`done`); `table` and `check` name what the step works on when there is one; `done`/`total`
count what the phase works through when known: tables loaded, checks evaluated (in the check
and sample phases, over the whole run), metrics computed.
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

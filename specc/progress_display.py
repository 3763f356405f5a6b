"""A live progress line on standard error while a run works: phase, table, checks done, elapsed.

It is drawn only where someone watches it: on a terminal, outside CI (where a redrawn line is
noise in a log); `--progress` / `--no-progress` decide instead when given. It goes to standard
error, so standard output holds only the report, and it is erased when the run ends.
"""

from __future__ import annotations

import os
import sys
import time

from .progress import ProgressEvent

PHASE_WORDS = {
    "load": "loading",
    "checks": "checking",
    "samples": "sampling",
    "metrics": "metrics",
    "compliance": "scoring",
    "quarantine": "quarantine",
    "report": "writing reports",
    "done": "done",
}
COUNTED = {"load": "tables", "checks": "checks", "samples": "checks", "metrics": "metrics"}
_NOT_CI = ("", "0", "false", "no")  # `CI=false` is how some runners say "not CI"


def wanted(forced: bool | None, stream=None, environ=None) -> bool:
    """Whether to draw: as forced, else only on a terminal and outside CI."""
    if forced is not None:
        return forced
    stream = sys.stderr if stream is None else stream
    environ = os.environ if environ is None else environ
    in_ci = environ.get("CI", "").strip().lower() not in _NOT_CI
    return not in_ci and hasattr(stream, "isatty") and stream.isatty()


def describe(event: ProgressEvent, elapsed: float) -> str:
    """One line: `checking  table spans  12/40 checks  1.3s`."""
    parts = [PHASE_WORDS.get(event.phase, event.phase)]
    if event.table:
        parts.append(f"table {event.table}")
    if event.check:
        parts.append(f"metric {event.check}" if event.phase == "metrics" else event.check)
    if event.total is not None:
        parts.append(f"{event.done or 0}/{event.total} {COUNTED.get(event.phase, 'steps')}")
    parts.append(f"{elapsed:.1f}s")
    return "  ".join(parts)


class ProgressDisplay:
    """A context manager and a `Progress` callback: each event redraws the line."""

    def __init__(self, force_terminal: bool = False):
        from rich.console import Console
        from rich.live import Live
        from rich.spinner import Spinner

        self._started = time.perf_counter()
        self._event = ProgressEvent("load")
        self._spinner = Spinner("line")
        console = Console(stderr=True, force_terminal=force_terminal or None, highlight=False)
        # Redrawn a few times a second as well, so the elapsed time moves during a long query.
        self._live = Live(self, console=console, transient=True, refresh_per_second=4)

    def __rich__(self):
        from rich.text import Text

        self._spinner.update(text=Text(" " + describe(self._event, time.perf_counter() - self._started)))
        return self._spinner

    def __call__(self, event: ProgressEvent) -> None:
        self._event = event
        self._live.refresh()

    def __enter__(self) -> "ProgressDisplay":
        self._live.start(refresh=True)
        return self

    def __exit__(self, *exc) -> None:
        self._live.stop()


class _Silent:
    def __call__(self, event: ProgressEvent) -> None:
        pass

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc) -> None:
        pass


def progress_display(forced: bool | None):
    """The display the run should get: drawn if `wanted(forced)`, else one that draws nothing."""
    if not wanted(forced):
        return _Silent()
    return ProgressDisplay(force_terminal=forced is True)

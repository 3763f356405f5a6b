"""One run under specc's protections: a private scratch folder (specc.scratch), signals and
time limits (specc.limits), and the endings they cause turned into one-line messages.

- SIGINT / SIGTERM: `specc: interrupted (SIGINT); no report was written`, exit 130 (143 for
  SIGTERM), as a shell would report a command stopped by that signal.
- `--timeout`: the run's message, exit 2.
- Out of memory under `--memory-limit`: says so, exit 2.
In every case the scratch folder is removed and no partial report or quarantine file is left
in place (they are written to temporary files and renamed only when complete).
"""

from __future__ import annotations

import dataclasses
import signal
import sys

import click
import duckdb

from .diagnostics import UsageError
from .limits import Guard, Interrupted, Limits, RunTimedOut
from .scratch import Scratch

EXIT_INTERRUPTED = 128  # + the signal's number


def guarded_run(body, options, limits: Limits, memory_limit: str | None):
    """`body(options)` with a scratch folder and a guard in `options`; its result."""
    try:
        with Scratch() as scratch, Guard(limits) as guard:
            try:
                return body(dataclasses.replace(options, guard=guard, scratch=scratch))
            except (Exception, SystemExit):
                # a signal that landed inside the engine surfaces as the engine's error (an
                # unreadable table, a failed statement): the run was interrupted all the same
                if guard.signalled:
                    raise Interrupted(guard.signalled) from None
                raise
    except Interrupted as stop:
        name = signal.Signals(stop.signum).name
        click.echo(f"specc: interrupted ({name}); no report was written", err=True)
        sys.exit(EXIT_INTERRUPTED + stop.signum)
    except RunTimedOut as over:
        raise UsageError(str(over)) from None
    except duckdb.OutOfMemoryException as exc:
        limit = f"`--memory-limit {memory_limit}`" if memory_limit else "the memory DuckDB may use"
        raise UsageError(f"the run does not fit in {limit}, even spilling to disk: "
                         f"{str(exc).splitlines()[0]}; give it more memory") from None

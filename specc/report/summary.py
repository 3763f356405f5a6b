"""The console summary `specc check` prints when its reports go to files.

A CI job that writes JUnit, Markdown and HTML files still needs a log that says what
happened: the verdict, the counts, which checks failed (by id) and where each report went.
It is short on any delivery: ids are listed up to `MAX_IDS` per status, then "… and N more".
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import click

from ..results import ERRORED, FAILED, PASSED, WARNED, RunResult
from . import common
from .escape import log_text

MAX_IDS = 12
WIDTH = 100  # ids wrap at this width, under each other
LISTED = ((FAILED, "failed"), (ERRORED, "could not run"), (WARNED, "warned"))


@dataclass(frozen=True)
class Written:
    """One report that went to a file."""

    format: str
    path: str


def render_summary(result: RunResult, written: list[Written], color: bool = False) -> str:
    passed = result.verdict == PASSED
    word = "PASSED" if passed else "FAILED"
    if color:
        word = click.style(word, fg="green" if passed else "red", bold=True)
    lines = [f"specc check: {common.spec_title(result)}",
             f"{word} ({common.verdict_summary(result)}); compliance {common.percent(result.overall_compliance)}"]
    lines.extend(_listed(result))
    lines.append(common.exit_line(result))
    lines.extend(_written(written))
    return log_text("\n".join(lines) + "\n")


def _listed(result: RunResult) -> list[str]:
    width = max(len(label) for _, label in LISTED)
    lines = []
    for status, label in LISTED:
        ids = [common.clean(c.id) for c in result.checks if c.status == status]
        if ids:
            listed = ids[:MAX_IDS] + ([f"… and {len(ids) - MAX_IDS:,} more"] if len(ids) > MAX_IDS else [])
            head = f"  {label.ljust(width)}  "
            lines.extend(textwrap.wrap(", ".join(listed), WIDTH, initial_indent=head,
                                       subsequent_indent=" " * len(head), break_long_words=False,
                                       break_on_hyphens=False))
    return lines


def _written(written: list[Written]) -> list[str]:
    if not written:
        return []
    width = max(len(w.format) for w in written)
    return [f"{'reports' if n == 0 else ' ' * 7}  {w.format.ljust(width)}  {common.clean(w.path)}"
            for n, w in enumerate(written)]

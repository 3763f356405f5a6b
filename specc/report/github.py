"""GitHub Actions workflow commands: failed and warned checks as annotations on the spec.

One line per check that needs a look: `::error` for a failed check or one that could not run,
`::warning` for a warned one, placed on the span of the rule or metric in the spec, so the
pull request shows it next to the line that declared it. Passed checks print nothing.

Escaping follows @actions/core: in the message `%`, CR and LF are percent-encoded; in
properties `:` and `,` too. That also keeps any text from starting a command of its own.
Text that may quote the data (an error) has its control characters escaped first, and no
`##[` (the runner's legacy command prefix, honoured anywhere in a line) is written raw.
"""

from __future__ import annotations

from ..results import ERRORED, FAILED, WARNED, CheckResult, RunResult
from ..source import Span
from . import common
from .escape import github_data, github_property
from .options import RenderOptions

COMMANDS = {FAILED: "error", ERRORED: "error", WARNED: "warning"}


def render(result: RunResult, options: RenderOptions = RenderOptions()) -> str:
    lines = [annotation(check, result, options) for check in result.checks if check.status in COMMANDS]
    return "".join(line + "\n" for line in lines)


def annotation(check: CheckResult, result: RunResult, options: RenderOptions) -> str:
    properties = _location(check.source, result, options) + [("title", f"specc {check.id}")]
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{COMMANDS[check.status]} {rendered}::{escape_data(_message(check))}"


def _location(span: Span | None, result: RunResult, options: RenderOptions) -> list[tuple[str, object]]:
    """file, line and columns; columns only on a one-line span, as GitHub requires.

    Our spans end one past the last column; GitHub's endColumn is the last column itself.
    """
    if span is None:
        return []
    path = span.file
    if options.spec_path_for_annotations and span.file == result.spec.path:
        path = options.spec_path_for_annotations
    location: list[tuple[str, object]] = [("file", path), ("line", span.line)]
    if span.end_line == span.line:
        location += [("col", span.column), ("endLine", span.end_line),
                     ("endColumn", max(span.column, span.end_column - 1))]
    else:
        location += [("endLine", span.end_line)]
    return location


def _message(check: CheckResult) -> str:
    message = "\n".join(common.message_lines(check.message or check.id))
    if check.status == ERRORED:
        return f"{message} (could not run: {common.clean(common.error_text(check)) or 'no error text recorded'})"
    return f"{message} ({common.describe_violations(check)}; {common.describe_threshold(check)})"


def escape_data(text: str) -> str:
    return github_data(text).replace("##[", "##%5B")


def escape_property(text: str) -> str:
    return github_property(text).replace("##[", "##%5B")

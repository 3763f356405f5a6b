"""`specc check SPEC --data …`: audit a delivery against a spec; the CI gate.

One run renders as many reports as asked: the main one (`--format`, to standard output or
`--out FILE`) and any number of `--report FORMAT=PATH` files, all from the same result.
Every target is checked before the run starts (writable, not an input, not named twice), so
a long run is never wasted on a typo, and all files are written together, atomically.

Exit codes: 0 the gate passed, 1 it failed (an `error` rule or metric fell short; with
`--fail-on warn`, a warning too), 2 specc could not do its job (bad spec, arguments or input,
an unwritable report path, or a check that could not run).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ..diagnostics import SpecError, UsageError
from ..inputs import Binding, default_bindings, parse_data_arguments, parse_read_arguments
from ..progress import ProgressEvent
from ..progress_display import progress_display
from ..render import render_diagnostics
from ..report import FORMATS
from ..report.escape import terminal
from ..resolve import load_checked
from ..paths import OutputLocks, refuse_escaping_symlinks
from ..limits import Limits, parse_duration
from ..run_guard import guarded_run
from ..runner import RunOptions, run

FORMAT_NAMES = tuple(FORMATS)  # text, json, junit, markdown, github, html


@dataclass(frozen=True)
class Target:
    """One report to render: its format, and the file it goes to (None: standard output)."""

    format: str
    path: Path | None
    option: str  # how it was asked for, to name it in a message: `--out`, `--report junit=…`


def _spec_or_exit(ctx: click.Context, path: Path):
    try:
        return load_checked(path)
    except SpecError as exc:
        click.echo(render_diagnostics(exc.diagnostics, exc.sources), err=True)
        ctx.exit(2)


@click.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", "data", multiple=True, metavar="DIR | TABLE=PATH",
              help="A folder with one file (or folder) per table, named after it; or TABLE=PATH for one table "
                   "(TABLE=READER:PATH for a tool export). Repeatable.")
@click.option("--format", "output_format", type=click.Choice(FORMAT_NAMES), multiple=True,
              help="The main report's format  [default: text]. Once; for more reports use --report.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="Write the main report to this file instead of standard output, and print a summary.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH",
              help=f"Also write a report in FORMAT ({', '.join(FORMAT_NAMES)}) to PATH. Repeatable.")
@click.option("--quarantine", type=click.Path(file_okay=False, path_type=Path),
              help="Write each table's violating and clean rows as Parquet into this folder.")
@click.option("--samples", type=click.IntRange(0, 1000), default=5, show_default=True,
              help="Violating rows to show per failed check.")
@click.option("--threads", type=click.IntRange(1, 1024), help="DuckDB worker threads.")
@click.option("--memory-limit", help="DuckDB memory limit, e.g. 4GB.")
@click.option("--timeout", "timeout", metavar="DURATION",
              help="Stop the whole run after this long (e.g. 10m): exit 2, no report.")
@click.option("--check-timeout", "check_timeout", metavar="DURATION",
              help="Stop a check whose statement runs longer than this (e.g. 30s): that check fails, "
                   "the run goes on.")
@click.option("--follow-symlinks", is_flag=True,
              help="Read data through symlinks that lead outside the delivery folder (refused by default).")
@click.option("--fail-on", type=click.Choice(["error", "warn"]), default="error", show_default=True,
              help="Also fail the gate on warnings with `warn`.")
@click.option("--read", "read_settings", multiple=True, metavar="[TABLE.]SETTING=VALUE",
              help="How text files are read, over the spec's `read` settings: delimiter, quote, escape, "
                   "header, encoding, null, timestamp_format, timezone. Repeatable.")
@click.option("--details", type=click.Choice(["summary", "full"]), default="summary", show_default=True,
              help="How much of each metric's detail tables (confusion matrices, per-group figures) "
                   "the report keeps.")
@click.option("--profile", is_flag=True,
              help="Time each phase and statement; shown in the text report and the JSON `timings`.")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="Draw a live progress line on standard error  [default: on a terminal, outside CI].")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="REPORT.json",
              help="An earlier JSON report of this spec: report label shift, metric and violation-rate changes, "
                   "new and departed annotators, and judge the spec's drift metrics (docs/metrics.md#drift).")
@click.option("--engine", type=click.Choice(["duckdb", "postgres", "spark"]), default="duckdb", show_default=True,
              help="Where the checks run (docs/engines.md).")
@click.option("--connect", metavar="URL", help="The engine's server: postgresql://USER@HOST:PORT/DB; a Spark master or sc://HOST:PORT.")
@click.pass_context
def check(ctx, spec_path, data, output_format, out, reports, quarantine, samples, threads, memory_limit, timeout,
          check_timeout, follow_symlinks, fail_on, read_settings, details, profile, show_progress, baseline,
          engine, connect):
    """Check a delivery against SPEC and give a verdict."""
    targets = _targets(output_format, out, reports)
    if not spec_path.is_file():
        raise UsageError("no such spec file", where=str(spec_path))
    spec = _spec_or_exit(ctx, spec_path)
    bindings = default_bindings(spec)
    bindings.update(parse_data_arguments(data, spec))
    read_overrides = parse_read_arguments(read_settings, spec)
    inputs = _input_files(spec, bindings) + ([baseline] if baseline is not None else [])
    _refuse_unsafe_targets(targets, inputs, spec, quarantine)
    if not follow_symlinks:
        refuse_escaping_symlinks(bindings)
    if baseline is not None:
        from ..drift.baseline import read_baseline

        baseline = read_baseline(baseline, spec.name)  # refused before the run, like a bad argument
    limits = Limits(timeout and parse_duration(timeout, "--timeout"),
                    check_timeout and parse_duration(check_timeout, "--check-timeout"))
    options = RunOptions(samples, threads, memory_limit, fail_on, quarantine, profile=profile, details=details,
                         baseline=baseline, engine=engine, connect=connect)
    with OutputLocks(quarantine, [t.path for t in targets if t.path is not None]):
        result = guarded_run(
            lambda opts: _run_and_emit(spec, bindings, opts, read_overrides, targets, show_progress), options,
            limits, memory_limit)
    for failed in (c for c in result.checks if c.status == "error"):
        error = terminal(str(failed.details.get("error")))  # may quote the data
        click.echo(f"error: check `{terminal(failed.id)}` could not run: {error}", err=True)
    ctx.exit(result.exit_code)


def _run_and_emit(spec, bindings, options, read_overrides, targets, show_progress):
    with progress_display(show_progress) as progress:
        result, state = run(spec, bindings, dataclasses.replace(options, progress=progress), read_overrides)
        state.engine.close()  # a server's connection, before the reports are written
        progress(ProgressEvent("report"))
        written = _write_reports(result, targets)
    _to_console(result, targets[0], written)
    return result


# ---- which reports go where ---------------------------------------------------------------


def _targets(formats: tuple[str, ...], outs: tuple[Path, ...], reports: tuple[str, ...]) -> list[Target]:
    """The main report first, then each `--report`; `--format` and `--out` at most once each."""
    for option, given in (("--format", formats), ("--out", outs)):
        if len(given) > 1:
            raise UsageError(f"`{option}` given {len(given)} times, but one run has one main report; "
                             "write each other report with `--report FORMAT=PATH`, e.g. "
                             "`--report junit=junit.xml --report html=report.html`")
    main = Target(formats[0] if formats else "text", outs[0] if outs else None, "--out")
    return [main] + [_report_target(value) for value in reports]


def _report_target(value: str) -> Target:
    fmt, equals, path = value.partition("=")
    fmt = fmt.strip().lower()
    if not equals or not path:
        raise UsageError(f"`--report {value}`: expected FORMAT=PATH, e.g. `--report junit=junit.xml`")
    if fmt not in FORMAT_NAMES:
        raise UsageError(f"`--report {value}`: unknown format `{fmt}`; formats: {', '.join(FORMAT_NAMES)}")
    if path == "-":
        raise UsageError(f"`--report {value}`: a report given with `--report` goes to a file; "
                         "the main report (`--format`) is the one on standard output")
    return Target(fmt, Path(path), f"--report {fmt}=…")


def _input_files(spec, bindings: dict[str, Binding]) -> list[Path]:
    """Every file the run reads: the spec, the files it imports, the bound data."""
    files = [Path(spec.path), *(Path(p) for p in spec.sources)]
    files += [Path(f) for binding in bindings.values() for f in binding.files]
    return files


def _refuse_unsafe_targets(targets: list[Target], inputs: list[Path], spec, quarantine: Path | None) -> None:
    """Before the run: no report overwrites an input or another report, and each can be written."""
    from ..files import unwritable_reason

    if quarantine is not None:
        _refuse_quarantine_over_inputs(quarantine, inputs[1 + len(spec.sources):], spec)
    seen: dict[Path, Target] = {}
    for target in (t for t in targets if t.path is not None):
        resolved = target.path.resolve()
        if any(_same_file(resolved, source) for source in inputs):
            raise UsageError(f"`{target.option}` would overwrite an input of this run; inputs are never "
                             "changed: write the report elsewhere", where=_shown(target.path))
        if quarantine is not None and _in_quarantine(resolved, quarantine, spec):
            raise UsageError(f"`{target.option}` is a file `--quarantine` writes; write the report elsewhere",
                             where=_shown(target.path))
        if resolved in seen:
            raise UsageError(f"`{target.option}` and `{seen[resolved].option}` name the same file; "
                             "give each report its own path", where=_shown(target.path))
        seen[resolved] = target
        problem = unwritable_reason(target.path)
        if problem:
            raise UsageError(f"cannot write the {target.format} report here: {terminal(problem)}",
                             where=_shown(target.path))


def _refuse_quarantine_over_inputs(quarantine: Path, data_files: list[Path], spec) -> None:
    """The quarantine folder is never a folder the delivery is read from, nor holds an input."""
    folder = quarantine.resolve()
    for source in data_files:
        real = source.resolve()
        if real.parent == folder or _in_quarantine(real, quarantine, spec):
            raise UsageError("`--quarantine` names a folder this run reads its data from; inputs are never "
                             "changed: write the quarantine elsewhere", where=_shown(quarantine))


def _same_file(resolved: Path, source: Path) -> bool:
    """The same file by path (symlinks and `..` resolved) or by identity (a hard link)."""
    if resolved == source.resolve():
        return True
    try:
        return os.path.samefile(resolved, source)
    except OSError:
        return False


def _in_quarantine(resolved: Path, quarantine: Path, spec) -> bool:
    names = {f"{table}.{part}.parquet" for table in spec.tables for part in ("clean", "violating")}
    return resolved.parent == quarantine.resolve() and resolved.name in names


def _shown(path: Path) -> str:
    return terminal(str(path))


# ---- rendering and writing ----------------------------------------------------------------


def _write_reports(result, targets: list[Target]) -> list:
    """Render every report that goes to a file and write them together; what was written."""
    from ..files import write_all_atomically
    from ..report import render
    from ..report.summary import Written

    files = [(t, render(result, t.format)) for t in targets if t.path is not None]
    try:
        write_all_atomically([(t.path, text) for t, text in files])
    except OSError as exc:
        where = exc.filename or (files[0][0].path if files else "")
        raise UsageError(f"cannot write the reports: {terminal(exc.strerror or str(exc))}; none was written",
                         where=terminal(str(where))) from None
    return [Written(t.format, str(t.path)) for t, _ in files]


def _to_console(result, main: Target, written: list) -> None:
    """The main report if it goes to the console, else a summary of the run and of where
    each report went."""
    from ..report import render
    from ..report.summary import render_summary

    if main.path is None:
        color = main.format == "text" and sys.stdout.isatty()
        text = render(result, main.format, color=color)
        click.echo(text, nl=not text.endswith("\n"))
        for report in written:  # stderr: standard output holds the main report, maybe JSON
            click.echo(f"specc: {report.format} report written to {terminal(report.path)}", err=True)
    else:
        click.echo(render_summary(result, written, color=sys.stdout.isatty()), nl=False)

"""`specc check SPEC --data …`: audit a delivery against a spec; the CI gate.

Exit codes: 0 the gate passed, 1 it failed (an `error` rule or metric fell short; with
`--fail-on warn`, a warning too), 2 specc could not do its job (bad spec, arguments or input,
or a check that could not run).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..diagnostics import SpecError, UsageError
from ..inputs import default_bindings, parse_data_arguments
from ..render import render_diagnostics
from ..resolve import load_checked
from ..runner import RunOptions, run


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
@click.option("--format", "output_format", type=click.Choice(["text", "json", "junit", "markdown", "github", "html"]),
              default="text", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--quarantine", type=click.Path(file_okay=False, path_type=Path),
              help="Write each table's violating and clean rows as Parquet into this folder.")
@click.option("--samples", type=click.IntRange(0, 1000), default=5, show_default=True,
              help="Violating rows to show per failed check.")
@click.option("--threads", type=click.IntRange(1, 1024), help="DuckDB worker threads.")
@click.option("--memory-limit", help="DuckDB memory limit, e.g. 4GB.")
@click.option("--fail-on", type=click.Choice(["error", "warn"]), default="error", show_default=True,
              help="Also fail the gate on warnings with `warn`.")
@click.pass_context
def check(ctx, spec_path, data, output_format, out, quarantine, samples, threads, memory_limit, fail_on):
    """Check a delivery against SPEC and give a verdict."""
    if not spec_path.is_file():
        raise UsageError("no such spec file", where=str(spec_path))
    spec = _spec_or_exit(ctx, spec_path)
    bindings = default_bindings(spec)
    bindings.update(parse_data_arguments(data, spec))
    options = RunOptions(samples, threads, memory_limit, fail_on, quarantine)
    result, _ = run(spec, bindings, options)
    from ..report import render
    from ..files import write_atomically

    color = out is None and output_format == "text" and sys.stdout.isatty()
    text = render(result, output_format, color=color)
    if out is not None:
        write_atomically(out, text)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    for failed in (c for c in result.checks if c.status == "error"):
        click.echo(f"error: check `{failed.id}` could not run: {failed.details.get('error')}", err=True)
    ctx.exit(result.exit_code)

"""`specc consensus SPEC --data … --out labels.parquet`: one label per unit, and annotator skill.

Data is bound as for `specc check` (folders, `TABLE=PATH`, readers), loaded by DuckDB, and
DuckDB is then locked down but for the output folder. The method runs in SQL
(specc/consensus); DuckDB writes the labels file itself, atomically. A summary (the method's
figures and each annotator's skill) is printed, or written as JSON with `--summary`.
Bad input of any kind exits 2 with a message.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import duckdb

from ..consensus import bradley_terry as bt
from ..consensus import spans as span_method
from ..consensus.engine import Engine
from ..consensus.errors import ConsensusError
from ..consensus.labels import LabelOptions, label_consensus
from ..consensus.output import copy_atomically, labels_query
from ..consensus.tasks import METHOD_TASK_KINDS, choose_task, columns_for, gold_for, label_order, method_for
from ..diagnostics import UsageError
from ..files import write_atomically
from ..inputs import default_bindings, load_table, parse_data_arguments
from ..resolve import load_checked
from ..runner import RunOptions, connect, lock_down


@click.command("consensus")
@click.argument("spec_path", metavar="SPEC", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", "data", multiple=True, metavar="DIR | TABLE=PATH",
              help="As for `specc check`: a folder of files named after tables, or TABLE=PATH. Repeatable.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The labels file to write (Parquet).")
@click.option("--method", type=click.Choice(list(METHOD_TASK_KINDS)),
              help="Default: majority for classification and rating tasks, bradley_terry for preference and"
                   " ranking tasks, spans for span tasks.")
@click.option("--task", "task_name", help="The task to take a consensus of (needed when the spec has several).")
@click.option("--tolerance", type=float, default=1e-6, show_default=True,
              help="dawid_skene: change of log-likelihood per response; bradley_terry: mean change of score.")
@click.option("--max-iterations", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--min-annotators", type=click.IntRange(min=1),
              help="spans: keep a span given by at least this many annotators [more than half of the unit's].")
@click.option("--mode", type=click.Choice(span_method.SPAN_MODES), default="strict", show_default=True,
              help="spans: when two annotators give the same span.")
@click.option("--gold", metavar="TABLE.COLUMN",
              help="gold_weighted: the gold answers [the spec's gold_accuracy metric].")
@click.option("--smoothing", type=float, default=1.0, show_default=True,
              help="gold_weighted: pseudo-counts on gold accuracy; bradley_terry: the MM pseudo-count.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the summary (method figures, annotator skill) here as JSON.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the summary.")
@click.option("--threads", type=click.IntRange(1, 1024), help="DuckDB worker threads.")
@click.option("--memory-limit", help="DuckDB memory limit, e.g. 4GB.")
def consensus(spec_path, data, out, method, task_name, tolerance, max_iterations, min_annotators, mode, gold,
              smoothing, summary_path, output_format, threads, memory_limit):  # fmt: skip
    """Adjudicate one label per unit (or scores per response, or spans) and rate the annotators."""
    if not spec_path.is_file():
        raise UsageError("no such spec file", where=str(spec_path))
    spec = load_checked(spec_path)
    settings = dict(tolerance=tolerance, max_iterations=max_iterations, min_annotators=min_annotators, mode=mode,
                    smoothing=smoothing)
    try:
        task = choose_task(spec, task_name, method)
        method = method_for(task, method)
        _check_options(method, settings, gold)
        gold_columns = gold_for(spec, task, gold) if method == "gold_weighted" else None
    except ConsensusError as exc:
        raise UsageError(str(exc), where=str(spec_path)) from None
    tables = [task.table.text] + ([gold_columns.relation] if gold_columns else [])
    bindings = default_bindings(spec)
    bindings.update(parse_data_arguments(data, spec))
    engine = Engine(_load(spec, bindings, tables, out, threads, memory_limit))
    where = bindings[task.table.text].path
    try:
        summary = _run(engine, spec, task, method, settings, gold_columns, out)
    except ConsensusError as exc:
        raise UsageError(str(exc), where=where) from None
    except duckdb.Error as exc:
        raise UsageError(f"consensus could not run: {_first_line(exc)}", where=where) from None
    summary = {"spec": spec.name, "task": task.name.text, "table": task.table.text, "out": str(out), **summary}
    if summary_path is not None:
        write_atomically(summary_path, json.dumps(summary, indent=2, default=str) + "\n")
    click.echo(json.dumps(summary, indent=2, default=str) if output_format == "json" else render(summary))


def _check_options(method: str, settings: dict, gold: str | None) -> None:
    given = {"--gold": gold is not None, "--min-annotators": settings["min_annotators"] is not None,
             "--mode": settings["mode"] != "strict"}  # fmt: skip
    allowed = {"gold_weighted": {"--gold"}, "spans": {"--min-annotators", "--mode"}}.get(method, set())
    wrong = [option for option, present in given.items() if present and option not in allowed]
    if wrong:
        raise ConsensusError(f"{', '.join(wrong)} does not apply to --method {method}")
    if settings["tolerance"] <= 0:
        raise ConsensusError(f"--tolerance must be above 0, not {settings['tolerance']}")


def _load(spec, bindings: dict, tables: list[str], out: Path, threads, memory_limit) -> duckdb.DuckDBPyConnection:
    """Load the tables the method reads, then lock DuckDB down but for the output's folder."""
    missing = [table for table in tables if table not in bindings]
    if missing:
        raise UsageError(f"no data for table {', '.join(f'`{m}`' for m in missing)}; bind with `--data DIR`"
                         f" (files named after tables) or `--data TABLE=PATH`")
    con = connect(RunOptions(threads=threads, memory_limit=memory_limit))
    for table in dict.fromkeys(tables):
        load_table(con, spec, bindings[table])
    if out.exists() and out.is_dir():
        raise UsageError("the output is a folder; give a file name", where=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_down(con, out.parent)
    return con


def _run(engine: Engine, spec, task, method: str, settings: dict, gold_columns, out: Path) -> dict:
    columns = columns_for(task)
    if method == "bradley_terry":
        result = bt.bradley_terry(engine, columns, settings["smoothing"], settings["tolerance"],
                                  settings["max_iterations"])  # fmt: skip
        query = bt.scores_query(engine)
    elif method == "spans":
        result = span_method.span_consensus(engine, columns, settings["mode"], settings["min_annotators"])
        query = span_method.output_query(engine)
    else:
        options = LabelOptions(method, label_order(spec, task), gold_columns, settings["smoothing"],
                               settings["tolerance"], settings["max_iterations"])  # fmt: skip
        result = label_consensus(engine, columns, options)
        query = labels_query(engine)
    copy_atomically(engine, query, out)
    return result.to_dict()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# ---- the printed summary ------------------------------------------------------------------


def _number(value, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(summary: dict) -> str:
    lines = [_headline(summary)]
    convergence = summary.get("convergence")
    if convergence:
        state = "converged" if convergence["converged"] else "did NOT converge"
        line = f"  {state} after {convergence['iterations']} iteration(s) (tolerance {convergence['tolerance']:g})"
        if convergence.get("log_likelihood") is not None:
            line += f", log-likelihood {convergence['log_likelihood']:.6g}"
        lines.append(line)
    lines.append("  " + _outcomes(summary))
    lines.append(f"  written to {summary['out']}")
    return "\n".join(lines + [""] + _skill_table(summary))


def _headline(summary: dict) -> str:
    head = f"{summary['method']} on task `{summary['task']}` ({summary['table']}): {summary['units']} units"
    if summary["method"] == "bradley_terry":
        return head + f", {summary['responses']} responses, {summary['comparisons']} judgements"
    if summary["method"] == "spans":
        return head + f", {summary['spans']} spans, mode {summary['mode']}"
    return head + f", {summary['annotators']} annotators, {len(summary['labels'])} labels"


def _outcomes(summary: dict) -> str:
    if summary["method"] == "bradley_terry":
        return f"scores for {summary['responses']} responses from {summary['annotators']} annotators"
    if summary["method"] == "spans":
        return (f"kept {summary['kept']} of {summary['mentions']} mentions · contested {summary['contested']}"
                f" · units without spans {summary['empty_units']}")
    return f"contested {summary['contested']} · tied {summary['tied']} · unanimous {summary['unanimous']}"


SKILL_COLUMNS = {  # method family -> (header, field) pairs of the per-annotator table
    "labels": (("annotator", "annotator"), ("units", "units"), ("agreed", "agreed"), ("accuracy", "accuracy"),
               ("estimated", "estimated_accuracy")),
    "bradley_terry": (("annotator", "annotator"), ("units", "units"), ("judgements", "judgements"),
                      ("agreed", "agreed"), ("accuracy", "accuracy"), ("ties", "ties")),
    "spans": (("annotator", "annotator"), ("units", "units"), ("spans", "spans"), ("precision", "precision"),
              ("recall", "recall")),
}  # fmt: skip


def _skill_table(summary: dict) -> list[str]:
    columns = SKILL_COLUMNS.get(summary["method"], SKILL_COLUMNS["labels"])
    if summary["method"] != "dawid_skene":
        columns = tuple(c for c in columns if c[1] != "estimated_accuracy")
    cell = lambda value: _number(value) if isinstance(value, float) or value is None else str(value)  # noqa: E731
    table = [tuple(h for h, _ in columns)] + [tuple(cell(s.get(f)) for _, f in columns) for s in summary["skills"]]
    widths = [max(len(row[i]) for row in table) for i in range(len(columns))]
    rows = ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    return ["annotator skill (against the consensus):", *rows]

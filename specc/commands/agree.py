"""`specc agree`: agreement over one table of annotations, with no spec.

DuckDB reads the file itself (the path is bound as a parameter), the metrics run in
`specc.metrics`, and this module only turns options into calls and results into text or
JSON. Bad input becomes a `UsageError` naming the file, which the `specc` group renders as
a message with exit code 2.

Two choices the data cannot make are the user's to make, never guessed: the order of text
categories (`--order`, for ordinal alpha and weighted kappa; numbers keep their numeric
order) and which of several answers of one coder to one unit counts (`--latest-by COLUMN`
keeps the row with the greatest COLUMN; without it such data is refused, as a spec's
metric reports itself undefined on it).
"""

from __future__ import annotations

import glob
import json
import os

import click
import duckdb

from ..diagnostics import UsageError
from ..metrics import (
    LEVELS,
    MIN_UNITS,
    PERCENT_FORMS,
    WEIGHTS,
    ChoiceNeeded,
    MetricError,
    check_latest_by,
    check_one_value_per_coder,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    latest_rows_sql,
    per_annotator_agreement,
    percent_agreement,
)
from ..sqlsafe import identifier

TABLE = "annotations"
LATEST = "latest_annotations"  # the view --latest-by reads through

READERS = {  # file extension -> DuckDB table function call with the path as parameter
    ".csv": "read_csv_auto(?)",
    ".tsv": "read_csv_auto(?, delim = '\t')",
    ".parquet": "read_parquet(?)",
    ".json": "read_json_auto(?)",
    ".jsonl": "read_json_auto(?, format = 'newline_delimited')",
    ".ndjson": "read_json_auto(?, format = 'newline_delimited')",
}

METRICS = ("alpha", "fleiss", "cohen", "percent")

NAMES = {
    "alpha": "Krippendorff's alpha",
    "fleiss": "Fleiss' kappa",
    "cohen": "Cohen's kappa",
    "percent": "Percent agreement",
}

FORM_NAMES = {
    "pairs": "share of agreeing pairs per unit, averaged over units",
    "pooled": "agreeing pairs over all pairs",
    "unanimous": "share of units where every value agrees",
}

# How a user of this command makes each choice a metric cannot make alone.
CHOICE_HINTS = {
    "order": "give the order, lowest first, with --order LOWEST,...,HIGHEST",
    "placing": "list every category in --order",
    "one answer": "keep each pair's latest row with --latest-by COLUMN, or remove the extra rows",
}


@click.command("agree")
@click.option("--data", "path", required=True,
              help="Annotations: .csv, .tsv, .parquet, .json, .jsonl/.ndjson.")  # fmt: skip
@click.option("--unit", required=True, help="Column naming the unit (item) rated.")
@click.option("--coder", required=True, help="Column naming the annotator.")
@click.option("--value", required=True, help="Column holding the label or rating.")
@click.option("--level", type=click.Choice(LEVELS), default=None, help="Level of measurement [nominal].")
@click.option("--metric", type=click.Choice(METRICS), default="alpha", show_default=True)
@click.option("--weights", type=click.Choice(list(WEIGHTS)), default="none", show_default=True,
              help="Cohen's kappa weights over the category order.")  # fmt: skip
@click.option("--order", default=None,
              help="Categories lowest first, comma-separated; needed for text at ordinal level or with weights.")
@click.option("--form", type=click.Choice(PERCENT_FORMS), default=None,
              help="Percent agreement: per-unit pairs averaged [pairs], pooled pairs, or unanimous units.")
@click.option("--min-units", type=click.IntRange(min=1), default=MIN_UNITS, show_default=True,
              help="Fewest shared units for a pair of coders to count in a mean of Cohen's kappas.")
@click.option("--latest-by", default=None, metavar="COLUMN",
              help="Several rows per (unit, coder): keep the one with the greatest COLUMN.")
@click.option("--bootstrap", "iterations", type=click.IntRange(min=1), default=None,
              help="Bootstrap draws over units for a 95% interval (alpha).")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--per-annotator", is_flag=True, help="Each annotator against the others.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)  # fmt: skip
def agree(path, unit, coder, value, level, metric, weights, order, form, min_units, latest_by, iterations, seed,
          per_annotator, output_format):  # fmt: skip
    """Agreement between annotators over one table (Krippendorff's alpha, kappas, percent)."""
    options = dict(unit=unit, coder=coder, value=value, level=level or "nominal", weights=weights,
                   order=order.split(",") if order else None, form=form or "pairs", min_units=min_units,
                   latest_by=latest_by, iterations=iterations, seed=seed)  # fmt: skip
    check_options(metric, level, iterations, form)
    report = measure(load(path), metric, options, per_annotator, path)
    click.echo(json.dumps(report, indent=2, default=str) if output_format == "json" else render(report))


def check_options(metric: str, level: str | None, iterations: int | None, form: str | None) -> None:
    if metric in ("fleiss", "percent") and level not in (None, "nominal"):
        raise UsageError(f"--metric {metric} compares categories: it has no --level {level}")
    if iterations is not None and metric != "alpha":
        raise UsageError("--bootstrap applies to --metric alpha")
    if form is not None and metric != "percent":
        raise UsageError("--form applies to --metric percent")


def load(path: str) -> duckdb.DuckDBPyConnection:
    """A connection holding the file as table `annotations`, read by DuckDB itself."""
    reader = READERS.get(os.path.splitext(path)[1].lower())
    if reader is None:
        raise UsageError(f"cannot read this kind of file; use one of {', '.join(READERS)}", where=path)
    if os.path.isdir(path) or not glob.glob(path):
        raise UsageError("no such file", where=path)
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM {reader}", [path]).fetchall()
    except duckdb.Error as error:
        raise UsageError(f"cannot read the file: {first_line(error)}", where=path) from None
    return con


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def measure(con, metric: str, options: dict, per_annotator: bool, path: str) -> dict:
    try:
        relation, resolved = one_answer_each(con, options)
        report = {"metric": metric, **resolved, **compute(con, relation, metric, options)}
        if per_annotator:
            report["per_annotator"] = annotators(con, relation, options)
            report["min_units"] = options["min_units"]
    except MetricError as error:
        message = str(error).replace(f"`{TABLE}`", "the data").replace(f"`{LATEST}`", "the data")
        if isinstance(error, ChoiceNeeded):
            message += f"; {CHOICE_HINTS[error.needs]}"
        raise UsageError(message, where=path) from None
    except duckdb.Error as error:
        raise UsageError(f"cannot compute {metric}: {first_line(error)}", where=path) from None
    return report


def one_answer_each(con, options: dict) -> tuple[str, dict]:
    """The relation to measure, with one answer per (unit, coder): the table as read, or with
    --latest-by its latest row of each pair. Also what the resolution left out, for the report."""
    unit, coder, latest_by = options["unit"], options["coder"], options["latest_by"]
    if latest_by is None:
        check_one_value_per_coder(con, TABLE, unit, coder, options["value"])
        return TABLE, {}
    check_latest_by(con, TABLE, unit, coder, latest_by)
    con.execute(f"CREATE TEMP VIEW {identifier(LATEST)} AS {latest_rows_sql(TABLE, unit, coder, latest_by)}")
    kept, rows = con.execute(
        f"SELECT (SELECT count(*) FROM {identifier(LATEST)}), (SELECT count(*) FROM {identifier(TABLE)})"
    ).fetchall()[0]
    return LATEST, {"latest_by": latest_by, "earlier_rows_left_out": rows - kept}


def columns(options: dict) -> dict:
    return {name: options[name] for name in ("unit", "coder", "value")}


def compute(con, relation: str, metric: str, options: dict) -> dict:
    if metric == "alpha":
        return alpha_report(con, relation, options)
    if metric == "fleiss":
        result = fleiss_kappa(con, relation, **columns(options))
        return {"level": "nominal", **result.to_dict(), "percent_agreement": result.percent_agreement}
    if metric == "cohen":
        cohen = {"weights": options["weights"], "order": options["order"], "min_units": options["min_units"]}
        return {"level": options["level"], **cohen_kappa(con, relation, **columns(options), **cohen).to_dict()}
    result = percent_agreement(con, relation, **columns(options), form=options["form"])
    return {"level": "nominal", **result.to_dict(), "percent_agreement": result.value}


def alpha_report(con, relation: str, options: dict) -> dict:
    common = {**columns(options), "level": options["level"], "order": options["order"]}
    if options["iterations"] is None:
        return krippendorff_alpha(con, relation, **common).to_dict()
    from ..metrics import bootstrap_alpha  # numpy, only when an interval is asked for

    result = bootstrap_alpha(con, relation, **common, iterations=options["iterations"], seed=options["seed"])
    return result.to_dict()


def annotators(con, relation: str, options: dict) -> list:
    choices = {name: options[name] for name in ("level", "weights", "order", "min_units")}
    result = per_annotator_agreement(con, relation, **columns(options), **choices)
    return result.to_dict()["annotators"]


def number(value) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def render(report: dict) -> str:
    lines = [headline(report)]
    interval = report.get("interval")
    if interval:
        lines.append(
            f"  {interval['confidence']:.0%} interval: {number(interval['low'])}"
            f" to {number(interval['high'])} ({interval['iterations']} bootstrap draws over units,"
            f" seed {interval['seed']})"
        )
    if report["metric"] == "percent":  # the headline is percent agreement: show its other forms
        others = [form for form in PERCENT_FORMS if form != report["form"]]
        lines.append("  " + " · ".join(f"{f} {number(report['forms'][f])} ({FORM_NAMES[f]})" for f in others))
    else:
        lines.append(f"  percent agreement: {number(report.get('percent_agreement'))}")
    lines.append(
        f"  units: {report['units']} pairable · coders: {report['coders']}"
        f" · pairable values: {report['pairable_values']}"
    )
    if "latest_by" in report:
        lines.append(f"  latest row per (unit, coder) by `{report['latest_by']}`:"
                     f" {report['earlier_rows_left_out']} earlier row(s) left out")
    lines.extend(details(report))
    if "per_annotator" in report:
        lines.extend(annotator_table(report["per_annotator"], report["min_units"]))
    return "\n".join(lines)


def headline(report: dict) -> str:
    metric = report["metric"]
    name = NAMES[metric] + (f" ({report['level']})" if metric == "alpha" else "")
    if metric == "percent":
        name += f", {report['form']} ({FORM_NAMES[report['form']]})"
    if metric == "cohen":
        name += " (one pair)" if len(report["pairs"]) == 1 else " (mean over pairs, weighted by shared units)"
    if metric == "cohen" and report["weights"] != "none":
        name += f", {report['weights']} weights"
    if report["value"] is None:
        return f"{name}: undefined ({report.get('undefined_reason')})"
    return f"{name}: {number(report['value'])}"


def details(report: dict) -> list[str]:
    if report["metric"] == "fleiss" and report["units_excluded"]:
        return [
            f"  {report['units_excluded']} unit(s) left out: Fleiss' kappa uses only the units"
            f" with the modal {report['raters_per_unit']} values"
        ]
    if report["metric"] == "cohen":
        small = report["pairs_below_min_units"]
        below = (f", {small} sharing fewer than {report['min_units']} units (listed, not in the mean)"
                 if small else "")
        return [f"  pairs of coders: {len(report['pairs'])} ({report['undefined_pairs']} undefined{below})"]
    return []


def annotator_table(rows: list, min_units: int) -> list[str]:
    header = ("annotator", "ratings", "agreement", "kappa", "kappa over", "vs majority", "alpha without", "change")
    table = [header] + [
        (
            str(row["coder"]),
            str(row["ratings"]),
            number(row["agreement_with_others"]),
            number(row["kappa_with_others"]),
            support(row, min_units),
            number(row["agreement_with_majority"]),
            number(row["alpha_without"]),
            "undefined" if row["alpha_change"] is None else f"{row['alpha_change']:+.3f}",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = ["  " + "  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table]
    return ["", "per annotator:", *lines]


def support(row: dict, min_units: int) -> str:
    """What an annotator's kappa stands on: its pairs and their shared units, and the pairs left out."""
    text = f"{row['kappa_pairs']} pairs, {row['kappa_units']} units"
    small = row["pairs_below_min_units"]
    return text + (f" (+{small} under {min_units} units)" if small else "")

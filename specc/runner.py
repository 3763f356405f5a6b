"""The runner: bind inputs in DuckDB, lock it down, run the plan's statements, judge each
check, fetch samples for the ones that failed, score, and set failing rows aside.

Python never touches rows: every count, sample and split is a DuckDB query, and the only
values that come back are counts, a few samples and the metrics' small tables of counts.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .backends import sql as sql_backend
from .checks.base import Check, MetricCheck, Plan
from .diagnostics import UsageError
from .inputs import FILE_COLUMN, ROW_COLUMN, TYPE_FLAG_PREFIX, Binding, BoundTable, load_table
from .plan import build_plan, task_for_metric
from .progress import Progress, ProgressEvent
from .resolve import CheckedSpec
from .results import (ERRORED, FAILED, PASSED, WARNED, Breakdown, CheckResult, InputResult, RunResult,
                      SpecInfo, TableCompliance, Threshold)
from .sqlsafe import identifier, literal


@dataclass(frozen=True)
class RunOptions:
    samples: int = 5
    threads: int | None = None
    memory_limit: str | None = None
    fail_on: str = "error"  # error | warn
    quarantine: Path | None = None
    progress: "Progress | None" = None  # called with a ProgressEvent at each step (specc.progress)


@dataclass
class _Run:
    spec: CheckedSpec
    options: RunOptions
    con: duckdb.DuckDBPyConnection
    bound: dict[str, BoundTable] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    statements_run: list[str] = field(default_factory=list)

    started: float = field(default_factory=time.perf_counter)

    def report(self, phase: str, table: str | None = None, check: str | None = None,
               done: int | None = None, total: int | None = None) -> None:
        if self.options.progress is not None:
            self.options.progress(ProgressEvent(phase, table, check, done, total, time.perf_counter() - self.started))

    def query(self, sql: str, parameters=None):
        self.statements_run.append(sql)
        return self.con.execute(sql, parameters or [])


def connect(options: RunOptions) -> duckdb.DuckDBPyConnection:
    config = {}
    if options.threads:
        config["threads"] = int(options.threads)
    if options.memory_limit:
        config["memory_limit"] = str(options.memory_limit)
    try:
        con = duckdb.connect(":memory:", config=config)
    except duckdb.Error as exc:
        raise UsageError(f"cannot start DuckDB with these settings: {exc}") from None
    con.execute("SET TimeZone = 'UTC'")  # timestamps are UTC instants (specc.casts)
    return con


def lock_down(con: duckdb.DuckDBPyConnection, writable: Path | None) -> None:
    """No file access from here on (but the quarantine folder), and no more configuration."""
    if writable is not None:
        con.execute(f"SET allowed_directories = [{literal(str(writable.resolve()) + os.sep)}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def run(spec: CheckedSpec, bindings: dict[str, Binding], options: RunOptions = RunOptions()) -> tuple[RunResult, "_Run"]:
    started = time.perf_counter()
    missing = [t for t in spec.tables if t not in bindings]
    if missing:
        raise UsageError(f"no data for table{'s' if len(missing) > 1 else ''} {', '.join(f'`{m}`' for m in missing)}; "
                         f"bind with `--data DIR` (files named after tables) or `--data TABLE=PATH`")
    state = _Run(spec, options, connect(options))
    loading = [name for name in bindings if name in spec.tables]
    for index, name in enumerate(loading):
        state.report("load", table=name, done=index, total=len(loading))
        state.bound[name] = load_table(state.con, spec, bindings[name])
    if options.quarantine is not None:
        options.quarantine.mkdir(parents=True, exist_ok=True)
    lock_down(state.con, options.quarantine)
    state.timings["load_seconds"] = time.perf_counter() - started
    plan = build_plan(spec, {name: b.type_checked for name, b in state.bound.items()})
    results = _run_checks(state, plan)
    results.extend(_run_metrics(state, plan.metrics))
    checked_at = time.perf_counter()
    state.report("compliance")
    compliance, breakdowns = _score_rows(state, plan, results)
    state.timings["check_seconds"] = checked_at - started - state.timings["load_seconds"]
    state.timings["total_seconds"] = time.perf_counter() - started
    state.report("done")
    return _result(state, results, compliance, breakdowns), state


# ---- rules and built-in checks ------------------------------------------------------------


def _run_checks(state: _Run, plan: Plan) -> list[CheckResult]:
    counts: dict[str, tuple[int, int, str]] = {}
    measured: dict[str, dict] = {}  # whole-table checks: what their condition compared
    errors: dict[str, str] = {}
    statements = sql_backend.statements(plan)
    for index, statement in enumerate(statements):
        state.report("checks", table=statement.relation.table, check=statement.checks[0].id if statement.checks else None,
                     done=index, total=len(statements))
        try:
            if statement.kind == "raw":
                _ensure_single_select(state.con, statement.checks[0])
            row = state.query(statement.sql).fetchall()[0]
        except (duckdb.Error, UsageError) as exc:
            for check in statement.checks:
                errors[check.id] = _explain_failure(check, exc)
            continue
        for check_id, (violations, checked) in statement.counts(row).items():
            counts[check_id] = (violations, checked, statement.sql)
        measured.update(statement.measured(row))
    return [_judge(state, check, counts.get(check.id), errors.get(check.id), measured.get(check.id))
            for check in plan.checks]


def _ensure_single_select(con, check: Check) -> None:
    try:
        statements = con.extract_statements(check.query)
    except duckdb.Error as exc:
        raise UsageError(f"raw SQL of rule `{check.id}` does not parse: {exc}") from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(s.type.name for s in statements) or "nothing"
        raise UsageError(f"raw SQL of rule `{check.id}` must be one SELECT query, found {kinds}")


def _explain_failure(check: Check, exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException):
        text = f"rule `{check.id}` tried to reach outside the delivery (files and settings are locked): {text}"
    return text


def _judge(state: _Run, check: Check, counted, failure: str | None, measured: dict | None = None) -> CheckResult:
    common = dict(id=check.id, kind=check.kind, table=check.table, scope=check.scope, severity=check.severity,
                  message=check.message, threshold=_threshold(check), source=check.source)
    if failure is not None or counted is None:
        return CheckResult(**common, status=ERRORED, details={"error": failure or "not evaluated"})
    violations, checked, statement_sql = counted
    share = violations / checked if checked else 0.0
    status = _status(check, violations, checked, share)
    samples = ()
    if status != PASSED and violations:
        samples = _samples(state, check)
    return CheckResult(**common, status=status, violations=violations, checked=checked, value=share,
                       samples=samples, sql=statement_sql, details={"measured": measured} if measured else {})


def _threshold(check: Check) -> Threshold:
    fields = {}
    if check.tolerance is not None:
        fields.update(tolerance=check.tolerance.value, tolerance_is_share=check.tolerance.is_share)
    for bound in check.bounds:
        fields[f"{bound.level}_side"] = bound.side
        fields[f"{bound.level}_value"] = bound.value
        fields[f"{bound.level}_is_share"] = bound.is_share
    return Threshold(**fields)


def _status(check: Check, violations: int, checked: int, share: float) -> str:
    if check.bounds:
        for level, status in (("fail", FAILED), ("warn", WARNED)):
            for bound in (b for b in check.bounds if b.level == level):
                measured = share if bound.is_share else violations
                if (measured > bound.value) if bound.side == "above" else (measured < bound.value):
                    return status
        return PASSED
    allowed = 0.0
    if check.tolerance is not None:
        allowed = check.tolerance.value * checked if check.tolerance.is_share else check.tolerance.value
    if violations <= allowed:
        return PASSED
    return FAILED if check.severity == "error" else WARNED


def _samples(state: _Run, check: Check) -> tuple[dict, ...]:
    sql = sql_backend.sample_sql(check, state.options.samples)
    if sql is None or state.options.samples <= 0:
        return ()
    try:
        cursor = state.query(sql)
        names = [d[0] for d in cursor.description]
        return tuple(dict(zip(names, row)) for row in cursor.fetchall())
    except duckdb.Error:
        return ()


# ---- metrics ------------------------------------------------------------------------------


def _run_metrics(state: _Run, metrics: tuple[MetricCheck, ...]) -> list[CheckResult]:
    from .checks.metrics import evaluate_metric

    results = []
    for index, metric in enumerate(metrics):
        state.report("metrics", table=metric.table, check=metric.id, done=index, total=len(metrics))
        common = dict(id=metric.id, kind="metric", table=metric.table, scope="metric", severity=metric.severity,
                      message=metric.message, threshold=_metric_threshold(metric), source=metric.source)
        try:
            value, details = evaluate_metric(state.con, metric)
        except (duckdb.Error, ValueError, UsageError) as exc:
            results.append(CheckResult(**common, status=ERRORED, details={"error": str(exc).splitlines()[0]}))
            continue
        if value is not None and not math.isfinite(value):
            details.setdefault("undefined_reason", f"the value is {value}")
            value = None
        results.append(CheckResult(**common, status=_metric_status(metric, value), value=value,
                                   checked=details.get("units"), details=details))
    return results


def _metric_threshold(metric: MetricCheck) -> Threshold:
    fields = {}
    for bound in metric.bounds:
        fields[f"{bound.level}_side"] = bound.side
        fields[f"{bound.level}_value"] = bound.value
    return Threshold(**fields)


def _metric_status(metric: MetricCheck, value: float | None) -> str:
    if value is None:
        return WARNED if metric.bounds else PASSED  # undefined: nothing to hold it to
    for level, status in (("fail", FAILED), ("warn", WARNED)):
        for bound in (b for b in metric.bounds if b.level == level):
            if (value > bound.value) if bound.side == "above" else (value < bound.value):
                return status
    return PASSED


# ---- compliance, breakdowns, quarantine ---------------------------------------------------


def _score_rows(state: _Run, plan: Plan, results: list[CheckResult]):
    broken = {r.id for r in results if r.kind != "metric" and (r.violations or 0) > 0}
    error_ids = {c.id for c in plan.checks if c.severity == "error"}
    compliance, breakdowns = [], []
    for table, bound in state.bound.items():
        checks = [c for c in plan.checks if c.table == table and c.id in broken]
        verdict = sql_backend.row_verdict_sql(table, checks, error_ids) if checks else None
        if verdict is None:
            compliance.append(TableCompliance(table, bound.rows, bound.rows))
            if state.options.quarantine is not None:
                _quarantine(state, table, None)
            breakdowns.extend(_breakdowns(state, table, None))
            continue
        verdict_table = f"__specc_verdict_{len(compliance)}"
        state.query(f"CREATE TEMP TABLE {identifier(verdict_table)} AS {verdict}")
        failing = state.query(f"SELECT count(*) FILTER (WHERE \"failed\") FROM {identifier(verdict_table)}").fetchall()[0][0]
        compliance.append(TableCompliance(table, bound.rows, bound.rows - int(failing)))
        breakdowns.extend(_breakdowns(state, table, verdict_table))
        if state.options.quarantine is not None:
            _quarantine(state, table, verdict_table)
    return compliance, breakdowns


def _breakdown_columns(spec: CheckedSpec, table: str) -> list[tuple[str, str]]:
    """(role, column) pairs to break a table's compliance down by: the annotators and vendors
    its tasks name, then any other column a metric on it is broken down `per`."""
    found = []
    for task in spec.tasks.values():
        if task.table.text != table:
            continue
        for role in ("annotator", "vendor"):
            bound = task.role(role)
            if bound is not None and bound.columns[0].table in (None, table):
                found.append((role, bound.columns[0].column))
    named = {column for _, column in found}
    for metric in spec.metrics:
        if task_for_metric(spec, metric).table.text == table:
            found += [(key.text, key.text) for key in metric.per if key.text not in named]
    return list(dict.fromkeys(found))


def _breakdowns(state: _Run, table: str, verdict_table: str | None) -> list[Breakdown]:
    result = []
    for role, column in _breakdown_columns(state.spec, table):
        source = identifier(table)
        failed = "FALSE"
        if verdict_table is not None:
            source = f"{identifier(table)} LEFT JOIN {identifier(verdict_table)} USING ({identifier(ROW_COLUMN)})"
            failed = "coalesce(\"failed\", FALSE)"
        rows = state.query(
            f"SELECT CAST({identifier(column)} AS VARCHAR) AS value, count(*) AS rows, "
            f"count(*) FILTER (WHERE {failed}) AS violating FROM {source} GROUP BY 1 ORDER BY 1 NULLS FIRST"
        ).fetchall()
        groups = tuple({"value": value, "rows": rows_, "violating_rows": bad,
                        "compliance": (rows_ - bad) / rows_ if rows_ else None} for value, rows_, bad in rows)
        result.append(Breakdown(table, column, role, groups))
    return result


def _quarantine(state: _Run, table: str, verdict_table: str | None) -> None:
    """Write TABLE.violating.parquet and TABLE.clean.parquet; together they are the input."""
    directory = state.options.quarantine
    bound = state.bound[table]
    flags = [TYPE_FLAG_PREFIX + name for name in bound.type_checked]
    hidden = [ROW_COLUMN] + flags + ([FILE_COLUMN] if bound.has_file_column else [])
    exclude = ", ".join(identifier(h) for h in hidden)
    base = f"SELECT {identifier(ROW_COLUMN)} AS \"specc_row\", * EXCLUDE ({exclude})"
    if bound.has_file_column:
        base += f", {identifier(FILE_COLUMN)} AS \"specc_file\""
    delivered = ", ".join(f"{identifier(TYPE_FLAG_PREFIX + n)} AS {identifier(n + '_as_delivered')}" for n in bound.type_checked)
    if verdict_table is None:
        clean = f"{base} FROM {identifier(table)} ORDER BY \"specc_row\""
        violating = f"{base}{', ' + delivered if delivered else ''}, CAST([] AS VARCHAR[]) AS \"specc_violations\" FROM {identifier(table)} WHERE FALSE"
    else:
        joined = f"FROM {identifier(table)} LEFT JOIN {identifier(verdict_table)} USING ({identifier(ROW_COLUMN)})"
        base = base.replace(f"* EXCLUDE ({exclude})", f"{identifier(table)}.* EXCLUDE ({exclude})")
        clean = f"{base} {joined} WHERE NOT coalesce(\"failed\", FALSE) ORDER BY \"specc_row\""
        violating = (f"{base}{', ' + delivered if delivered else ''}, \"violations\" AS \"specc_violations\" "
                     f"{joined} WHERE \"failed\" ORDER BY \"specc_row\"")
    for suffix, query in (("clean", clean), ("violating", violating)):
        _copy_atomically(state, query, directory / f"{table}.{suffix}.parquet")


def _copy_atomically(state: _Run, query: str, target: Path) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        state.query(f"COPY ({query}) TO {literal(str(Path(temporary).resolve()))} (FORMAT parquet)")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


# ---- the result ---------------------------------------------------------------------------


def _result(state: _Run, checks: list[CheckResult], compliance, breakdowns) -> RunResult:
    spec = state.spec
    statuses = {c.status for c in checks}
    failing = {FAILED, ERRORED} | ({WARNED} if state.options.fail_on == "warn" else set())
    verdict = FAILED if statuses & failing else PASSED
    inputs = tuple(
        InputResult(name, b.binding.path, b.binding.reader or b.binding.format, b.rows, b.sha256)
        for name, b in sorted(state.bound.items())
    )
    info = SpecInfo(spec.name, spec.title, spec.version, spec.path, spec.text_hash)
    timings = {k: round(v, 3) for k, v in state.timings.items()}
    return RunResult(info, inputs, verdict, state.options.fail_on, tuple(compliance), tuple(checks),
                     tuple(breakdowns), timings)

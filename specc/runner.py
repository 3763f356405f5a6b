"""The runner: bind inputs in an engine, lock it down, execute the plan's steps once each,
judge every check from their results, and score, break down and set failing rows aside.

Python never touches rows: every count, sample and split is a query, and the only values
that come back are counts, a few samples and the metrics' small tables of counts. A step
that fails at run time is retried check by check, so a check that cannot run fails alone and
names its rule; the other checks of its statement report real counts, and the compliance of
its table is reported as unknown.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .backends import sql as sql_backend
from .checks.base import (Check, GroupCheck, MetricCheck, Plan, RawSqlCheck, Relation, RowCheck, RowCountCheck, TableCheck,
                          UniqueCheck)
from .diagnostics import UsageError
from .drift.compare import apply_baseline, is_drift_metric, not_evaluated
from .drift.distributions import label_distributions
from .engines import QUARANTINES_FILES, open_engine
from .engines.duckdb_engine import DuckDBEngine
from .execution import Grouping, Joined, RowScan, TablePlan, TablePlanner
from .inputs import FILE_COLUMN, ROW_COLUMN, TYPE_FLAG_PREFIX, Binding, BoundTable
from .metric_gate import judge_metric, metric_threshold
from .plan import build_plan
from .progress import Progress, ProgressEvent
from .resolve import CheckedSpec
from .results import (ERRORED, FAILED, PASSED, WARNED, Breakdown, CheckResult, InputResult, RunResult, SpecInfo,
                      TableCompliance, Threshold)
from .sqlsafe import identifier

if TYPE_CHECKING:
    from .limits import Guard

_RUN_ERRORS = (duckdb.Error, UsageError)


@dataclass(frozen=True)
class RunOptions:
    samples: int = 5
    threads: int | None = None
    memory_limit: str | None = None
    fail_on: str = "error"  # error | warn
    quarantine: Path | None = None
    progress: "Progress | None" = None  # called with a ProgressEvent at each step (specc.progress)
    profile: bool = False  # time every statement (RunResult.timings["statements"])
    details: str = "summary"  # summary | full: how much of each metric's detail tables the report keeps
    baseline: object = None  # specc.drift.baseline.Baseline: an earlier report to compare with
    guard: "Guard | None" = None  # time limits and interruptions (specc.limits), installed by the caller
    scratch: Path | None = None  # where the engine spills (specc.scratch); None: the engine's default
    engine: str = "duckdb"  # duckdb | postgres | spark (specc.engines)
    connect: str | None = None  # the engine's URL: a PostgreSQL URL, a Spark master or Spark Connect URL


@dataclass
class _Outcome:
    """What the steps found for one check."""

    violations: int = 0
    checked: int = 0
    sql: str = ""
    measured: dict | None = None
    error: str | None = None
    samples: tuple = ()
    set_aside: int | None = None  # group checks: rows their failing groups set aside


@dataclass
class _Run:
    spec: CheckedSpec
    options: RunOptions
    engine: "Engine"
    bound: dict[str, BoundTable] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    statements_run: list[str] = field(default_factory=list)
    profile: list[dict] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    phase_started: float = field(default_factory=time.perf_counter)
    scans: dict[str, RowScan] = field(default_factory=dict)  # table -> its row scan, once run
    errored_tables: dict[str, list[str]] = field(default_factory=dict)

    @property
    def con(self):
        """What metrics and callers query: the engine's connection (DuckDB) or the engine."""
        return getattr(self.engine, "con", self.engine)

    def report(self, phase: str, table: str | None = None, check: str | None = None,
               done: int | None = None, total: int | None = None) -> None:
        if self.options.progress is not None:
            self.options.progress(ProgressEvent(phase, table, check, done, total, time.perf_counter() - self.started))

    def query(self, sql: str, parameters=None, label: str | None = None, recorded: str | None = None):
        self.statements_run.append(recorded or sql)
        began = time.perf_counter()
        with self.watch(label or sql.splitlines()[0][:80]):
            cursor = self.engine.execute(sql, parameters or [])
            rows = cursor.fetchall()
        self._time(label or sql, began)
        return cursor, rows

    def fetch(self, step: sql_backend.Step) -> list[tuple]:
        """The rows of a step that fills no table, recorded as it runs (headed by its label)."""
        return self.query(step.sql, label=step.label, recorded=step.text)[1]

    def create(self, step: sql_backend.Step) -> None:
        self.statements_run.append(step.text)
        began = time.perf_counter()
        with self.watch(step.label):
            self.engine.create_table(step.creates, step.sql)
        self._time(step.label, began)

    def watch(self, label: str):
        """The check limit around one statement (`--check-timeout`, specc.limits)."""
        guard = self.options.guard
        return guard.watch(label) if guard is not None else contextlib.nullcontext()

    def phase_done(self, phase: str) -> None:
        """Seconds of the phase that ends now (`--profile` shows each; the report sums some)."""
        now = time.perf_counter()
        self.timings[phase] = now - self.phase_started
        self.phase_started = now

    def _time(self, label: str, began: float) -> None:
        if self.options.profile:
            self.profile.append({"statement": label.splitlines()[0][:200], "seconds": round(time.perf_counter() - began, 4)})


# ---- kept for callers that bind data themselves (specc consensus) --------------------------------


def connect(options: RunOptions) -> duckdb.DuckDBPyConnection:
    return DuckDBEngine(options.threads, options.memory_limit).con


def lock_down(con: duckdb.DuckDBPyConnection, writable: Path | None) -> None:
    engine = DuckDBEngine.__new__(DuckDBEngine)
    engine.con = con
    engine.lock_down(writable)


# ---- the run --------------------------------------------------------------------------------------


def run(spec: CheckedSpec, bindings: dict[str, Binding], options: RunOptions = RunOptions(),
        read_overrides: dict[str, dict[str, str]] | None = None) -> tuple[RunResult, "_Run"]:
    started = time.perf_counter()
    missing = [t for t in spec.tables if t not in bindings]
    if missing:
        raise UsageError(f"no data for table{'s' if len(missing) > 1 else ''} {', '.join(f'`{m}`' for m in missing)}; "
                         f"bind with `--data DIR` (files named after tables) or `--data TABLE=PATH`")
    files = [name for name, b in bindings.items() if b.format != "table" and name in spec.tables]
    if options.quarantine is not None and options.engine not in QUARANTINES_FILES and files:
        raise UsageError(f"`--quarantine` on `--engine {options.engine}` writes tables beside bound tables, and "
                         f"{', '.join(f'`{f}`' for f in files)} came from files: check files on DuckDB or Spark to "
                         "quarantine them, or bind tables (`--data TABLE=table:SCHEMA.NAME`)")
    state = _Run(spec, options, open_engine(options.engine, options.connect, options.threads, options.memory_limit,
                                            options.scratch))
    if options.guard is not None:
        options.guard.attach(state.engine)
    try:
        return _run(state, bindings, read_overrides, started)
    except BaseException:
        state.engine.close()
        raise


def _run(state: "_Run", bindings: dict[str, Binding], read_overrides, started: float):
    spec, options = state.spec, state.options
    loading = [name for name in spec.tables if name in bindings]
    for index, name in enumerate(loading):
        state.report("load", table=name, done=index, total=len(loading))
        overrides = {**(read_overrides or {}).get("*", {}), **(read_overrides or {}).get(name, {})}
        state.bound[name] = state.engine.load(spec, bindings[name], overrides)
    if options.quarantine is not None:
        options.quarantine.mkdir(parents=True, exist_ok=True)
    state.engine.lock_down(options.quarantine)
    state.phase_done("load")
    plan = build_plan(spec, {name: b.type_checked for name, b in state.bound.items()})
    results = _run_checks(state, plan)
    state.phase_done("checks")
    results.extend(_run_metrics(state, plan.metrics))
    state.phase_done("metrics")
    state.report("compliance")
    compliance, breakdowns = _score_rows(state, plan, results)
    state.phase_done("compliance")
    distributions = label_distributions(spec, state.query)
    results, drift = apply_baseline(options.baseline, plan.metrics, results, distributions, breakdowns)
    phases = state.timings
    state.timings = {
        "load_seconds": phases["load"],
        "check_seconds": phases["checks"] + phases["metrics"],
        "total_seconds": time.perf_counter() - started,
    }
    if options.profile:
        state.timings["phases"] = phases
    state.report("done")
    return dataclasses.replace(_result(state, results, compliance, breakdowns), distributions=distributions,
                               drift=drift), state


# ---- rules and built-in checks ------------------------------------------------------------------


def _run_checks(state: _Run, plan: Plan) -> list[CheckResult]:
    planner = TablePlanner(plan)
    outcomes: dict[str, _Outcome] = {}
    for table in state.bound:
        table_plan = planner.table(table, _unique_joins(state, plan, table, outcomes))
        state.report("checks", table=table_plan.table, done=len(outcomes), total=len(plan.checks))
        _TableRun(state, table_plan, outcomes, len(plan.checks)).run()
    state.report("checks", done=len(outcomes), total=len(plan.checks))
    return [_judge(check, outcomes.get(check.id)) for check in plan.checks]


def _unique_joins(state: _Run, plan: Plan, table: str, outcomes: dict[str, "_Outcome"]) -> set[tuple[str, tuple[str, ...]]]:
    """The joins of `table`'s checks whose keys hold each non-null value once in the joined
    table, found in the data: from the joined table's own `key` check when it has already run
    (the same aggregation), else by a query of its own."""
    found = set()
    joins = {(c.relation.join_table, c.relation.join_keys) for c in plan.checks
             if c.table == table and c.relation.join_table is not None}
    for other, keys in sorted(joins):
        known = _key_check_outcome(plan, other, keys, outcomes)
        if known is not None:
            if known.violations == 0:
                found.add((other, keys))
            continue
        present = " AND ".join(f"{identifier(k)} IS NOT NULL" for k in keys)
        grouped = ", ".join(identifier(k) for k in keys)
        _, rows = state.query(f"SELECT count(*) FROM (SELECT 1 FROM {identifier(other)} WHERE {present} "
                              f"GROUP BY {grouped} HAVING count(*) > 1) AS \"__repeated\"",
                              label=f"are the keys ({grouped}) of {other} unique")
        if rows[0][0] == 0:
            found.add((other, keys))
    return found


def _key_check_outcome(plan: Plan, table: str, keys: tuple[str, ...], outcomes: dict[str, "_Outcome"]):
    """The outcome of a uniqueness check on exactly `keys` over all of `table`'s rows, if it ran."""
    for check in plan.checks:
        if (isinstance(check, UniqueCheck) and check.table == table and tuple(check.keys) == tuple(keys)
                and check.relation == Relation(table)):
            outcome = outcomes.get(check.id)
            if outcome is not None and outcome.error is None:
                return outcome
    return None


class _TableRun:
    """The steps of one table, each run once; a failing step is retried check by check."""

    def __init__(self, state: _Run, plan: TablePlan, outcomes: dict[str, _Outcome], total_checks: int = 0):
        self.state, self.plan, self.outcomes = state, plan, outcomes
        self.total_checks = total_checks  # of the whole run, for progress

    def run(self) -> None:
        for check in self.plan.row_counts:
            rows = self.state.bound[self.plan.table].rows
            self.outcomes[check.id] = _Outcome(int(rows == 0), 1, "")
        groupings = [g for g in (self._grouping(g) for g in self.plan.groupings) if g is not None]
        scan = self._scan(groupings)
        self.state.report("samples", table=self.plan.table, done=len(self.outcomes), total=self.total_checks)
        self._samples(scan, groupings)
        for relation, checks in self.plan.aggregates:
            self._aggregate(relation, checks)
        for check in self.plan.raw:
            self._raw(check)

    def fail(self, check: Check, exc: Exception) -> None:
        self.outcomes[check.id] = _Outcome(error=_explain_failure(check, exc))
        self.state.errored_tables.setdefault(check.table, []).append(check.id)

    # ---- groupings ------------------------------------------------------------------------

    def _grouping(self, grouping: Grouping) -> Grouping | None:
        """Run one grouping; if it fails, each check alone, keeping the ones that run."""
        try:
            self._run_grouping(grouping)
            return grouping
        except _RUN_ERRORS as exc:
            if len(grouping.checks) == 1:
                self.fail(grouping.checks[0], exc)
                return None
        survivors = []
        for check in grouping.checks:
            single = dataclasses.replace(grouping, checks=(check,))
            try:
                self._run_grouping(single)
                survivors.append(check)
            except _RUN_ERRORS as exc:
                self.fail(check, exc)
        if not survivors:
            return None
        kept = dataclasses.replace(grouping, checks=tuple(survivors))
        self._run_grouping(kept)
        return kept

    def _run_grouping(self, grouping: Grouping) -> None:
        step = sql_backend.grouping_step(grouping)
        self.state.create(step)
        _, rows = self.state.query(sql_backend.grouping_counts_sql(grouping), label=f"counts of {grouping.name}")
        counts = rows[0]
        for index, check in enumerate(grouping.checks):
            self.outcomes[check.id] = _Outcome(int(counts[2 * index] or 0), int(counts[2 * index + 1] or 0), step.text)

    # ---- the row scan --------------------------------------------------------------------

    def _scan(self, groupings: list[Grouping]) -> RowScan:
        scan = self._scan_plan(groupings)
        for outliers in {m.outliers for m in scan.marks if m.outliers is not None}:
            self.state.create(sql_backend.outliers_step(outliers))
        joined = [j for j in (self._joined(j) for j in scan.joined) if j is not None]
        scan = dataclasses.replace(scan, joined=tuple(joined))
        try:
            self._run_scan(scan)
        except _RUN_ERRORS:
            scan = self._without_failing_row_checks(scan)
            self._run_scan(scan)
        self.state.scans[self.plan.table] = scan
        return scan

    def _scan_plan(self, groupings: list[Grouping]) -> RowScan:
        """The planned scan, with marks only for groups that ran and failed."""
        by_name = {g.name: g for g in groupings}
        marks = []
        for mark in self.plan.scan.marks:
            grouping = by_name.get(mark.grouping.name)
            outcome = self.outcomes.get(mark.check.id)
            if grouping is None or mark.check not in grouping.checks or outcome is None or not outcome.violations:
                continue
            index = grouping.checks.index(mark.check)
            outliers = dataclasses.replace(mark.outliers, grouping=grouping, index=index) if mark.outliers else None
            marks.append(dataclasses.replace(mark, grouping=grouping, index=index, outliers=outliers))
        return dataclasses.replace(self.plan.scan, marks=tuple(marks))

    def _joined(self, joined: Joined) -> Joined | None:
        try:
            self.state.create(sql_backend.joined_step(joined))
            return joined
        except _RUN_ERRORS:
            pass
        survivors = []
        for check in joined.checks:
            try:
                self.state.query(f"SELECT count(*) FROM ({sql_backend.joined_step(dataclasses.replace(joined, checks=(check,))).sql}) AS \"__probe\"")
                survivors.append(check)
            except _RUN_ERRORS as exc:
                self.fail(check, exc)
        if not survivors:
            return None
        kept = dataclasses.replace(joined, checks=tuple(survivors))
        self.state.create(sql_backend.joined_step(kept))
        return kept

    def _without_failing_row_checks(self, scan: RowScan) -> RowScan:
        survivors = []
        for check in scan.checks:
            single = dataclasses.replace(scan, checks=(check,), joined=(), marks=())
            try:
                self.state.query(f"SELECT count(*) FROM ({sql_backend.scan_step(single).sql}) AS \"__probe\"")
                survivors.append(check)
            except _RUN_ERRORS as exc:
                self.fail(check, exc)
        return dataclasses.replace(scan, checks=tuple(survivors))

    def _run_scan(self, scan: RowScan) -> None:
        step = sql_backend.scan_step(scan)
        self.state.create(step)
        error_ids = {check.id for _, check in scan.flags if check.severity == "error"}
        _, rows = self.state.query(sql_backend.scan_counts_sql(scan, error_ids), label=f"counts of {scan.name}")
        counts = rows[0]
        bound = self.state.bound[scan.table]
        for position, (name, check) in enumerate(scan.flags):
            if name.startswith("g"):
                self.outcomes[check.id].set_aside = int(counts[position])
                continue
            checked = bound.current_rows if check.relation.current_only and bound.current_rows is not None else bound.rows
            self.outcomes[check.id] = _Outcome(int(counts[position]), checked, step.text)

    # ---- samples -------------------------------------------------------------------------

    def _samples(self, scan: RowScan, groupings: list[Grouping]) -> None:
        limit = self.state.options.samples
        if limit <= 0:
            return
        for grouping in groupings:
            for index, check in enumerate(grouping.checks):
                if isinstance(check, GroupCheck) and self._wants_samples(check):
                    cursor, rows = self.state.query(sql_backend.group_sample_sql(grouping, index, limit),
                                                    label=f"samples of {check.id}")
                    self.outcomes[check.id].samples = tuple(
                        {label: _shown(check, label, value) for label, value in sample.items()}
                        for sample in _as_dicts(cursor, rows))
        sampled = [(name, check) for name, check in scan.flags
                   if not isinstance(check, GroupCheck) and self._wants_samples(check)]
        chosen: dict[str, list[int]] = {}
        for start in range(0, len(sampled), 40):  # a few statements, however many checks failed
            flags = [name for name, _ in sampled[start:start + 40]]
            _, rows = self.state.query(sql_backend.flagged_rows_sql(scan, flags, limit), label="sample rows")
            for flag, row in rows:
                chosen.setdefault(flag, []).append(row)
        wanted: dict = {}
        for name, check in sampled:
            wanted.setdefault(check.relation, []).append((check, sorted(chosen.get(name, []))))
        for relation, found in wanted.items():
            self._row_samples(scan, relation, found)

    def _wants_samples(self, check: Check) -> bool:
        outcome = self.outcomes.get(check.id)
        return outcome is not None and outcome.error is None and outcome.violations > 0 and \
            _status(check, outcome.violations, outcome.checked) != PASSED

    def _row_samples(self, scan: RowScan, relation, found: list) -> None:
        """One query for every sampled row of one relation, split per check in Python."""
        rows = sorted({row for _, chosen in found for row in chosen})
        # a derived column (a window over the relation) that this scan did not compute — the
        # relation was judged in a step of its own — is not shown rather than computed again
        # over the sampled rows only, where a window would give another value
        missing = {identifier(alias) for alias, _ in relation.derived} - {identifier(alias) for alias, _ in scan.derived}
        shown = [column for column in dict.fromkeys(c for check, _ in found for c in check.shown_columns)
                 if not any(alias in column[1] for alias in missing)]
        if not rows:
            return
        cursor, fetched = self.state.query(sql_backend.row_sample_sql(scan, relation, shown, len(rows)), rows,
                                           label=f"samples of {relation.label}")
        by_row = {values[0]: values for values in fetched}
        position = {column: k + 1 for k, column in enumerate(shown)}
        for check, chosen in found:
            self.outcomes[check.id].samples = tuple(
                {"row": row, **{sql_backend.sample_label(column[0]): by_row[row][position[column]]
                                for column in check.shown_columns if column in position}}
                for row in chosen if row in by_row)

    # ---- whole-table rules and raw SQL ----------------------------------------------------

    def _aggregate(self, relation, checks: tuple[TableCheck, ...]) -> None:
        try:
            self._run_aggregate(relation, checks)
        except _RUN_ERRORS:
            for check in checks:
                try:
                    self._run_aggregate(relation, (check,))
                except _RUN_ERRORS as exc:
                    self.fail(check, exc)

    def _run_aggregate(self, relation, checks) -> None:
        step = sql_backend.aggregate_step(relation, checks)
        _, rows = self.state.query(step.text, label=step.label)
        row = rows[0]
        position = 1 + len(checks)
        for index, check in enumerate(checks):
            labels = [label for label, _ in check.shown_columns]
            measured = {label: _shown(check, label, row[position + k]) for k, label in enumerate(labels)}
            position += len(labels)
            self.outcomes[check.id] = _Outcome(int(row[1 + index] or 0), 1, step.text, measured or None)

    def _raw(self, check: RawSqlCheck) -> None:
        step = sql_backend.raw_step(check)
        try:
            _ensure_single_select(check)
            _, rows = self.state.query(step.text, label=step.label)
        except _RUN_ERRORS as exc:
            self.fail(check, exc)
            return
        violations = int(rows[0][0] or 0)
        outcome = _Outcome(violations, violations, step.text)
        self.outcomes[check.id] = outcome
        if violations and self.state.options.samples > 0 and _status(check, violations, violations) != PASSED:
            try:
                cursor, fetched = self.state.query(sql_backend.raw_sample_sql(check, self.state.options.samples))
                outcome.samples = _as_dicts(cursor, fetched)
            except _RUN_ERRORS:
                pass


def _as_dicts(cursor, rows) -> tuple[dict, ...]:
    names = [d[0] for d in cursor.description]
    return tuple(dict(zip(names, row)) for row in rows)


def _shown(check: Check, label: str, value):
    """A figure as the report shows it: a duration (computed in seconds) as a duration."""
    if label in check.durations and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value):
        return datetime.timedelta(microseconds=round(value * 1_000_000))
    return _stable(value)


def _stable(value):
    """A float to 12 significant digits: DuckDB sums in parallel, in an order that can change
    the last bits between runs, and two reports of one delivery must be identical."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def _ensure_single_select(check: Check) -> None:
    """DuckDB's parser judges the rule on every engine: raw SQL is written in DuckDB's dialect."""
    try:
        statements = duckdb.connect(":memory:").extract_statements(check.query)
    except duckdb.Error as exc:
        raise UsageError(f"raw SQL of rule `{check.id}` does not parse: {exc}") from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(s.type.name for s in statements) or "nothing"
        raise UsageError(f"raw SQL of rule `{check.id}` must be one SELECT query, found {kinds}")


def _explain_failure(check: Check, exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException):
        text = f"rule `{check.id}` tried to reach outside the delivery (files and settings are locked): {text}"
    elif isinstance(exc, duckdb.OutOfMemoryException):
        text = f"{text}; the check does not fit in the memory DuckDB may use (`--memory-limit`), even spilling to disk"
    where = f"spec line {check.source.line}: " if check.source is not None and check.source.line else ""
    return f"{where}{text}"


def _judge(check: Check, outcome: _Outcome | None) -> CheckResult:
    common = dict(id=check.id, kind=check.kind, table=check.table, scope=check.scope, severity=check.severity,
                  message=check.message, threshold=_threshold(check), source=check.source)
    if outcome is None or outcome.error is not None:
        return CheckResult(**common, status=ERRORED,
                           details={"error": outcome.error if outcome is not None else "not evaluated"})
    violations, checked = outcome.violations, outcome.checked
    share = violations / checked if checked else 0.0
    status = _status(check, violations, checked)
    details = {}
    if outcome.measured:
        details["measured"] = outcome.measured
    if outcome.set_aside is not None:
        details["rows_set_aside"] = outcome.set_aside
    if isinstance(check, GroupCheck):
        details.setdefault("rows_set_aside", 0)
        details["sets_aside"] = "nothing" if check.share_of_rows else check.sets_aside
    return CheckResult(**common, status=status, violations=violations, checked=checked, value=share,
                       samples=outcome.samples if status != PASSED else (), sql=outcome.sql, details=details)


def _threshold(check: Check) -> Threshold:
    fields = {}
    if check.tolerance is not None:
        fields.update(tolerance=check.tolerance.value, tolerance_is_share=check.tolerance.is_share)
    for bound in check.bounds:
        fields[f"{bound.level}_side"] = bound.side
        fields[f"{bound.level}_value"] = bound.value
        fields[f"{bound.level}_is_share"] = bound.is_share
    return Threshold(**fields)


def _status(check: Check, violations: int, checked: int) -> str:
    share = violations / checked if checked else 0.0
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


# ---- metrics --------------------------------------------------------------------------------------


def _run_metrics(state: _Run, metrics: tuple[MetricCheck, ...]) -> list[CheckResult]:
    from .checks.metrics import evaluate_metric

    results = []
    for index, metric in enumerate(metrics):
        state.report("metrics", table=metric.table, check=metric.id, done=index, total=len(metrics))
        common = dict(id=metric.id, kind="metric", table=metric.table, scope="metric", severity=metric.severity,
                      message=metric.message, threshold=metric_threshold(metric), source=metric.source)
        if is_drift_metric(metric):  # judged against the baseline, if any, once the run is done
            results.append(not_evaluated(common))
            continue
        began = time.perf_counter()
        try:
            with state.watch(f"metric {metric.id}"):
                value, details = evaluate_metric(state.con, metric, full_details=state.options.details == "full")
        except (duckdb.Error, ValueError, UsageError) as exc:
            results.append(CheckResult(**common, status=ERRORED, details={"error": str(exc).splitlines()[0]}))
            continue
        finally:
            state._time(f"metric {metric.id}", began)
        if value is not None and not math.isfinite(value):
            details.setdefault("undefined_reason", f"the value is {value}")
            value = None
        if metric.unit is not None:
            details["unit"] = metric.unit
        status, details = judge_metric(metric, value, details)
        results.append(CheckResult(**common, status=status, value=value, checked=details.get("units"), details=details))
    return results


# ---- compliance, breakdowns, quarantine -----------------------------------------------------------


def _score_rows(state: _Run, plan: Plan, results: list[CheckResult]):
    error_ids = plan.error_ids
    compliance, breakdowns = [], []
    for table, bound in state.bound.items():
        scan = state.scans.get(table)
        failing = 0
        if scan is not None:
            (failing,), = state.fetch(sql_backend.compliance_step(table, scan, error_ids))
        unknown = tuple(state.errored_tables.get(table, ()))
        compliance.append(TableCompliance(table, bound.rows, bound.rows - int(failing), unknown))
        breakdowns.extend(_breakdowns(state, plan, table, scan, error_ids))
        if state.options.quarantine is not None:
            state.report("quarantine", table=table)
            _quarantine(state, table, scan, error_ids)
    return compliance, breakdowns


def _breakdowns(state: _Run, plan: Plan, table: str, scan: RowScan | None, error_ids: set[str]) -> list[Breakdown]:
    result = []
    for role, column in ((r, c) for t, r, c in plan.breakdowns if t == table):
        rows = state.fetch(sql_backend.breakdown_step(table, column, scan, error_ids))
        groups = tuple({"value": value, "rows": rows_, "violating_rows": bad,
                        "compliance": (rows_ - bad) / rows_ if rows_ else None} for value, rows_, bad in rows)
        result.append(Breakdown(table, column, role, groups))
    return result


def _quarantine(state: _Run, table: str, scan: RowScan | None, error_ids: set[str]) -> None:
    """Write TABLE.violating.parquet and TABLE.clean.parquet; together they are the input.
    A bound table of the engine gets SCHEMA.NAME_violating and SCHEMA.NAME_clean beside it."""
    directory = state.options.quarantine
    bound = state.bound[table]
    quoted = identifier(table)
    declared = "".join(f", {quoted}.{identifier(c.name.text)}" for c in state.spec.tables[table].columns)
    base = f"SELECT {quoted}.{identifier(ROW_COLUMN)} AS \"specc_row\"{declared}"
    if bound.has_file_column:
        base += f", {quoted}.{identifier(FILE_COLUMN)} AS \"specc_file\""
    delivered = "".join(f", {quoted}.{identifier(TYPE_FLAG_PREFIX + n)} AS {identifier(n + '_as_delivered')}"
                        for n in bound.type_checked)
    if scan is None:
        clean = f"{base} FROM {quoted} ORDER BY \"specc_row\""
        violating = f"{base}{delivered}, CAST([] AS VARCHAR[]) AS \"specc_violations\" FROM {quoted} WHERE FALSE"
    else:
        joined = (f"FROM {quoted} LEFT JOIN {identifier(scan.name)} AS \"__flagged\" "
                  f"ON {quoted}.{identifier(ROW_COLUMN)} = \"__flagged\".{identifier(ROW_COLUMN)}")
        flagged = '"__flagged".'
        listed = sql_backend.violations_list_sql(scan, flagged)
        verdict = f"coalesce({sql_backend.failed_sql(scan, error_ids, flagged)}, FALSE)"
        clean = f"{base} {joined} WHERE NOT {verdict} ORDER BY \"specc_row\""
        violating = f"{base}{delivered}, {listed} AS \"specc_violations\" {joined} WHERE {verdict} ORDER BY \"specc_row\""
    for suffix, query in (("clean", clean), ("violating", violating)):
        state.statements_run.append(query)
        if bound.binding.format == "table":  # a table of the engine: beside it, as tables
            state.engine.write_table(query, f"{bound.binding.path}_{suffix}")
        else:
            state.engine.copy_to_parquet(query, directory / f"{table}.{suffix}.parquet")


# ---- the result -----------------------------------------------------------------------------------


def _result(state: _Run, checks: list[CheckResult], compliance, breakdowns) -> RunResult:
    spec = state.spec
    statuses = {c.status for c in checks}
    failing = {FAILED, ERRORED} | ({WARNED} if state.options.fail_on == "warn" else set())
    verdict = FAILED if statuses & failing else PASSED
    inputs = tuple(
        InputResult(name, b.binding.path, b.binding.reader or b.binding.format, b.rows, b.sha256,
                    b.current_rows, b.tied_rows, b.verified_by_schema)
        for name, b in sorted(state.bound.items())
    )
    info = SpecInfo(spec.name, spec.title, spec.version, spec.path, spec.text_hash)
    timings = {k: round(v, 3) if isinstance(v, float) else {p: round(t, 3) for p, t in v.items()}
               for k, v in state.timings.items()}
    if state.options.profile:
        timings["statements"] = state.profile
    return RunResult(info, inputs, verdict, state.options.fail_on, tuple(compliance), tuple(checks),
                     tuple(breakdowns), timings)

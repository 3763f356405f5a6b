"""Results of a run: the JSON report contract (docs/report.schema.json), as frozen dataclasses.

Every report format renders a `RunResult`; none queries the data again. The JSON form is
versioned by `REPORT_VERSION`: fields may be added in a minor version, never renamed or
removed without a major one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .source import Span

REPORT_VERSION = "1.2"  # 1.2: `distributions`, and `drift` with `--baseline`

PASSED, WARNED, FAILED, ERRORED = "passed", "warned", "failed", "error"


@dataclass(frozen=True)
class Threshold:
    """What a check's value is held to; every part optional."""

    tolerance: float | None = None  # violations allowed: a count, or a fraction when `percent`
    tolerance_is_share: bool = False
    warn_side: str | None = None  # above | below
    warn_value: float | None = None
    fail_side: str | None = None
    fail_value: float | None = None
    warn_is_share: bool | None = None  # for rules: a bound on the share of violations, or a count
    fail_is_share: bool | None = None

    def to_dict(self) -> dict:
        result = {}
        if self.tolerance is not None:
            result["tolerance"] = {"value": self.tolerance, "unit": _unit(self.tolerance_is_share)}
        for level in ("warn", "fail"):
            side = getattr(self, f"{level}_side")
            if side is not None:
                bound = {"side": side, "value": getattr(self, f"{level}_value")}
                is_share = getattr(self, f"{level}_is_share")
                if is_share is not None:
                    bound["unit"] = _unit(is_share)
                result[level] = bound
        return result


def _unit(is_share: bool) -> str:
    return "share" if is_share else "count"


@dataclass(frozen=True)
class CheckResult:
    id: str
    kind: str  # rule | column | reference | builtin | metric
    table: str | None
    scope: str  # row | group | table | unique | sql | reference | metric
    severity: str  # error | warn
    status: str  # passed | warned | failed | error
    message: str
    violations: int | None = None
    checked: int | None = None  # rows, groups or units the check looked at
    value: float | None = None  # share of violations for rules; the metric's value for metrics
    threshold: Threshold = field(default_factory=Threshold)
    samples: tuple[dict, ...] = ()
    sql: str = ""
    source: Span | None = None
    details: dict = field(default_factory=dict)  # metric extras, breakdowns, error text

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "table": self.table,
            "scope": self.scope,
            "severity": self.severity,
            "status": self.status,
            "message": self.message,
            "violations": self.violations,
            "checked": self.checked,
            "value": self.value,
            "threshold": self.threshold.to_dict(),
            "samples": list(self.samples),
            "sql": self.sql,
            "source": self.source.to_dict() if self.source else None,
            "details": self.details,
        }


@dataclass(frozen=True)
class InputResult:
    table: str
    path: str
    format: str
    rows: int
    sha256: str
    current_rows: int | None = None  # `latest by`: rows that are their keys' latest answer
    tied_rows: int = 0  # `latest by`: rows tied for the latest; none of them is taken
    verified_by_schema: tuple[str, ...] = ()  # typed files: columns whose type the schema vouches for

    @property
    def superseded_rows(self) -> int | None:
        return None if self.current_rows is None else self.rows - self.current_rows - self.tied_rows

    def to_dict(self) -> dict:
        result = {"table": self.table, "path": self.path, "format": self.format, "rows": self.rows, "sha256": self.sha256}
        if self.current_rows is not None:
            result["resubmissions"] = {"current_rows": self.current_rows, "superseded_rows": self.superseded_rows,
                                       "tied_rows": self.tied_rows}
        if self.verified_by_schema:
            result["verified_by_schema"] = list(self.verified_by_schema)
        return result


@dataclass(frozen=True)
class SpecInfo:
    name: str
    title: str | None
    version: str | None
    path: str
    sha256: str

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "version": self.version, "path": self.path, "sha256": self.sha256}


@dataclass(frozen=True)
class TableCompliance:
    table: str
    rows: int
    passing_rows: int
    # checks of the table that could not run: while any is missing, the score is unknown
    unknown_because: tuple[str, ...] = ()

    @property
    def score(self) -> float | None:
        if self.unknown_because:
            return None
        return self.passing_rows / self.rows if self.rows else None

    def to_dict(self) -> dict:
        result = {"rows": self.rows, "passing_rows": self.passing_rows, "score": self.score}
        if self.unknown_because:
            result["unknown_because"] = list(self.unknown_because)
        return result


@dataclass(frozen=True)
class Breakdown:
    """Rows and violating rows of one table, per value of a column such as annotator or vendor."""

    table: str
    column: str
    role: str  # annotator | vendor | the column's own name
    groups: tuple[dict, ...]  # {"value", "rows", "violating_rows", "compliance"}

    def to_dict(self) -> dict:
        return {"table": self.table, "column": self.column, "role": self.role, "groups": list(self.groups)}


@dataclass(frozen=True)
class RunResult:
    spec: SpecInfo
    inputs: tuple[InputResult, ...]
    verdict: str  # passed | failed
    fail_on: str  # error | warn
    compliance: tuple[TableCompliance, ...]
    checks: tuple[CheckResult, ...]
    breakdowns: tuple[Breakdown, ...] = ()
    timings: dict = field(default_factory=dict)
    distributions: tuple = ()  # specc.drift.distributions.LabelDistribution per task answer column
    drift: dict | None = None  # the comparison with `--baseline REPORT` (specc.drift.compare)

    @property
    def exit_code(self) -> int:
        """0 passed, 1 failed, 2 when a check could not run (the gate cannot vouch for it)."""
        if any(c.status == ERRORED for c in self.checks):
            return 2
        return 0 if self.verdict == PASSED else 1

    @property
    def overall_compliance(self) -> float | None:
        if any(t.unknown_because for t in self.compliance):
            return None
        rows = sum(t.rows for t in self.compliance)
        return sum(t.passing_rows for t in self.compliance) / rows if rows else None

    def metrics(self) -> list[CheckResult]:
        return [c for c in self.checks if c.kind == "metric"]

    def rules(self) -> list[CheckResult]:
        return [c for c in self.checks if c.kind != "metric"]

    def counts(self) -> dict:
        result = {PASSED: 0, WARNED: 0, FAILED: 0, ERRORED: 0}
        for check in self.checks:
            result[check.status] += 1
        return result

    def to_dict(self, with_timings: bool = True) -> dict:
        consistency = {c.id: c.value for c in self.metrics()}
        result = {
            "report_version": REPORT_VERSION,
            "tool": {"name": "specc", "version": _tool_version()},
            "spec": self.spec.to_dict(),
            "inputs": [i.to_dict() for i in self.inputs],
            "verdict": self.verdict,
            "fail_on": self.fail_on,
            "summary": self.counts(),
            "scores": {
                "compliance": {
                    "overall": self.overall_compliance,
                    "tables": {t.table: t.to_dict() for t in self.compliance},
                },
                "consistency": {"metrics": consistency},
            },
            "checks": [c.to_dict() for c in self.checks],
            "breakdowns": [b.to_dict() for b in self.breakdowns],
            "distributions": [d.to_dict() for d in self.distributions],
        }
        if self.drift is not None:
            result["drift"] = self.drift
        if with_timings:
            result["timings"] = self.timings
        return result


def _tool_version() -> str:
    from . import __version__

    return __version__

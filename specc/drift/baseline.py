"""`--baseline REPORT`: read an earlier JSON report and refuse one this run cannot compare with.

Refused (exit 2, before the run): a file that is not a specc JSON report, a report of another
spec (by the `spec` name), or one of another major report version. A report of an older
minor version is read; what it lacks (label counts before 1.2) leaves those figures undefined.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import UsageError
from ..report.escape import terminal
from ..results import REPORT_VERSION


@dataclass(frozen=True)
class Baseline:
    path: str
    report: dict

    @property
    def version(self) -> str:
        return str(self.report.get("report_version"))

    def checks(self) -> dict[str, dict]:
        return {c["id"]: c for c in self.report.get("checks", []) if isinstance(c, dict) and "id" in c}

    def distributions(self) -> dict[tuple[str, str], dict] | None:
        """(task, column) -> {label: count}; None when the report predates label counts."""
        if "distributions" not in self.report:
            return None
        return {(d["task"], d["column"]): {c["label"]: c["count"] for c in d["counts"]}
                for d in self.report["distributions"]}

    def annotators(self) -> dict[tuple[str, str], list]:
        return {(b["table"], b["column"]): [g["value"] for g in b["groups"]]
                for b in self.report.get("breakdowns", []) if b.get("role") == "annotator"}


def read_baseline(path: Path, spec_name: str) -> Baseline:
    where = terminal(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the baseline report: {terminal(getattr(exc, 'strerror', None) or str(exc))}",
                         where=where) from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"the baseline is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                         "give a report written with `--format json` or `--report json=PATH`", where=where) from None
    if not isinstance(report, dict) or "report_version" not in report or not isinstance(report.get("spec"), dict):
        raise UsageError("the baseline is not a specc JSON report (no `report_version` and `spec`); give a report "
                         "written with `--format json` or `--report json=PATH`", where=where)
    version = str(report["report_version"])
    if version.split(".")[0] != REPORT_VERSION.split(".")[0]:
        raise UsageError(f"the baseline is a report of version {terminal(version)}; this specc reads reports of "
                         f"version {REPORT_VERSION.split('.')[0]}.x: re-run the baseline delivery with this specc",
                         where=where)
    name = report["spec"].get("name")
    if name != spec_name:
        raise UsageError(f"the baseline is a report of spec `{terminal(str(name))}`, not `{spec_name}`: drift "
                         "compares two deliveries of one spec", where=where)
    baseline = Baseline(str(path), report)
    try:
        baseline.checks(), baseline.distributions(), baseline.annotators()
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"the baseline report is malformed (at {terminal(str(exc))}); see docs/report.schema.json",
                         where=where) from None
    return baseline

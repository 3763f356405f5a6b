"""JUnit XML for CI systems (GitLab, Jenkins, Azure, GitHub test reporters).

Layout: `<testsuites name="specc:SPEC">` holds one `<testsuite name="specc:SPEC.TABLE">` per
table, in the order tables first appear among the checks, then one `specc:SPEC.metrics` suite.
Each rule or built-in check is a `<testcase classname="TABLE" name="ID">`; each metric is a
`<testcase classname="metrics" name="ID">`. A failed check carries `<failure>`, a check that
could not run `<error>`; a warned check passes, with the warning in `<system-out>` (CI
systems would hide a `<skipped>` one, and a warning did run). The run's time is
`timings["total_seconds"]`; a testcase has a time only if `timings["checks"][ID]` exists
(the engine times queries, which serve many checks), and a suite's is the sum of its cases'.
No timestamp or host name is written, so the same result gives the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..results import ERRORED, FAILED, WARNED, CheckResult, RunResult
from . import common
from .escape import log_text, xml_text
from .options import RenderOptions


def render(result: RunResult, options: RenderOptions = RenderOptions()) -> str:
    root = ET.Element("testsuites", _counts(result.checks, name=f"specc:{result.spec.name}"))
    for suite_name, checks in _suites(result):
        suite = ET.SubElement(root, "testsuite", _counts(checks, name=f"specc:{result.spec.name}.{suite_name}"))
        suite.set("time", _seconds(_suite_time(result, checks)))
        for check in checks:
            _testcase(suite, suite_name, check, result, options)
    root.set("time", _seconds(_total_time(result)))
    ET.indent(root, space="  ")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    return log_text(text, colon="&#58;", bracket="&#91;")  # a CI log may print the file


def _suites(result: RunResult) -> list[tuple[str, list[CheckResult]]]:
    suites: dict[str, list[CheckResult]] = {}
    for check in result.rules():
        suites.setdefault(check.table or result.spec.name, []).append(check)
    if result.metrics():
        suites.setdefault("metrics", []).extend(result.metrics())
    return list(suites.items())


def _counts(checks: list[CheckResult], name: str) -> dict[str, str]:
    return {
        "name": _xml(name),
        "tests": str(len(checks)),
        "failures": str(sum(c.status == FAILED for c in checks)),
        "errors": str(sum(c.status == ERRORED for c in checks)),
        "skipped": "0",
    }


def _testcase(suite: ET.Element, classname: str, check: CheckResult, result: RunResult,
              options: RenderOptions) -> None:
    case = ET.SubElement(suite, "testcase", {"classname": _xml(classname), "name": _xml(check.id)})
    if _check_time(result, check) is not None:
        case.set("time", _seconds(_check_time(result, check)))
    if check.status == FAILED:
        failure = ET.SubElement(case, "failure", {"message": _xml(check.message), "type": _xml(check.severity)})
        failure.text = _xml(_explanation(check, options))
    elif check.status == ERRORED:
        error = ET.SubElement(case, "error", {"message": _xml(common.clean(common.error_text(check)) or check.message),
                                              "type": "error"})
        error.text = _xml(_explanation(check, options))
    elif check.status == WARNED:
        ET.SubElement(case, "system-out").text = _xml("warning: " + _explanation(check, options))


def _explanation(check: CheckResult, options: RenderOptions) -> str:
    """The body of a failure: message, counts and threshold, where in the spec, then details."""
    counts = f"{common.describe_violations(check)}; {common.describe_threshold(check)}"
    where = f", spec {common.location(check)}" if check.source else ""
    lines = [check.message or check.id]
    if check.status != ERRORED:
        lines.append(counts)
    lines.append(f"severity {check.severity}, scope {check.scope}{where}")
    return "\n".join(lines + common.detail_lines(check, options.max_samples))


def _check_time(result: RunResult, check: CheckResult) -> float | None:
    checks = result.timings.get("checks") if isinstance(result.timings, dict) else None
    value = checks.get(check.id) if isinstance(checks, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


def _suite_time(result: RunResult, checks: list[CheckResult]) -> float:
    return sum(_check_time(result, c) or 0.0 for c in checks)


def _total_time(result: RunResult) -> float:
    total = result.timings.get("total_seconds") if isinstance(result.timings, dict) else None
    if isinstance(total, (int, float)):
        return float(total)
    return _suite_time(result, result.checks)


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _xml(text: str) -> str:
    """Text XML can carry (see `escape.xml_text`)."""
    return xml_text(text)

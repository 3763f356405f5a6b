"""A standalone HTML audit page: what an auditor of a vendor delivery reads, prints and files.

One self-contained file: inline CSS, charts as inline SVG, no script, no external asset, and
a Content-Security-Policy that forbids both should anything slip through. Top to bottom:
the verdict, the spec and inputs, the counts, compliance, charts (violations per check,
compliance per annotator and vendor, metrics against their thresholds), every check in one
table with the failed first, sample rows, the SQL behind the checks, timings.

Sample values come from the delivery and are untrusted: every piece of text goes through
`svg.e` (control and bidi characters as visible escapes, then `html.escape`), and no
attribute is built from data. Anchors are numbered, not named after ids.
"""

from __future__ import annotations

import re

from ..results import ERRORED, FAILED, PASSED, WARNED, Breakdown, CheckResult, RunResult
from . import common, svg
from .escape import log_text
from .options import RenderOptions
from .svg import Bar, Tick, e

MARKS = {PASSED: "✓", WARNED: "!", FAILED: "✗", ERRORED: "E"}
WORDS = {PASSED: "passed", WARNED: "warned", FAILED: "failed", ERRORED: "error"}
ATTENTION_ORDER = {FAILED: 0, ERRORED: 1, WARNED: 2, PASSED: 3}
MAX_BARS = 40
MAX_DETAIL_FIELDS = 16
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_DETAIL_TABLES = {"per_annotator", "per", "error"}

CSS = """
:root { --fail: #d55e00; --warn: #e69f00; --pass: #009e73; --error: #cc79a7; --bar: #0072b2;
        --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 16px 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--soft); border: 1px solid var(--line); padding: 8px 10px; overflow-x: auto;
      white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.subtitle, .muted, .where { color: var(--muted); }
.where { font-size: 12px; }
.hash { overflow-wrap: anywhere; }
.banner { border: 2px solid; border-left-width: 12px; padding: 10px 16px; margin: 0 0 8px; }
.banner .word { font-size: 26px; font-weight: 700; letter-spacing: .04em; }
.banner.passed { border-color: var(--pass); background: #e6f5f0; }
.banner.failed { border-color: var(--fail); background: #fbeee6; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.tile { border: 1px solid var(--line); border-top: 6px solid var(--line); padding: 6px 14px; min-width: 120px; }
.tile .n { font-size: 22px; font-weight: 700; display: block; }
.status { white-space: nowrap; font-weight: 600; }
.status .mark { display: inline-block; width: 1.3em; text-align: center; border-radius: 3px; color: #fff; margin-right: 4px; }
.tile.failed, .failed > .mark { border-color: var(--fail); background-color: var(--fail); }
.tile.warned, .warned > .mark { border-color: var(--warn); background-color: var(--warn); }
.tile.passed, .passed > .mark { border-color: var(--pass); background-color: var(--pass); }
.tile.error, .error > .mark { border-color: var(--error); background-color: var(--error); }
.tile.failed, .tile.warned, .tile.passed, .tile.error { background: none; }
.warned > .mark { color: var(--ink); }
tr.failed td:first-child { border-left: 4px solid var(--fail); }
tr.error td:first-child { border-left: 4px solid var(--error); }
tr.warned td:first-child { border-left: 4px solid var(--warn); }
svg { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif; margin: 4px 0 2px; }
svg .track { fill: var(--soft); stroke: var(--line); }
svg .bar { fill: var(--bar); }
svg .failed .bar { fill: var(--fail); } svg .warned .bar { fill: var(--warn); }
svg .passed .bar { fill: var(--pass); } svg .error .bar { fill: var(--error); }
svg text { fill: var(--ink); } svg .axis { fill: var(--muted); font-size: 11px; }
svg .zero { stroke: var(--muted); }
svg .tick line { stroke: var(--ink); stroke-width: 2; } svg .tick.warn line { stroke-dasharray: 4 3; }
svg .tick text { font-size: 11px; font-weight: 600; }
figure { margin: 8px 0 16px; break-inside: avoid; }
figcaption { font-weight: 600; }
details { margin: 6px 0; }
summary { cursor: pointer; }
.metric { border: 1px solid var(--line); padding: 4px 14px 8px; margin: 10px 0; break-inside: avoid; }
dl.pairs { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
dl.pairs dt { color: var(--muted); } dl.pairs dd { margin: 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def render(result: RunResult, options: RenderOptions = RenderOptions()) -> str:
    queries = _queries(result.checks)
    body = [
        _banner(result),
        _header(result),
        _summary(result),
        _compliance(result),
        _violations_chart(result),
        *(_breakdown(b) for b in result.breakdowns),
        _metrics(result),
        _drift(result),
        _checks_table(result, queries),
        _samples(result, options),
        _queries_section(queries),
        _timings(result) if options.with_timings else "",
        _footer(),
    ]
    page = _page(_title(result), "\n".join(part for part in body if part))
    return log_text(page, colon="&#58;", bracket="&#91;")  # a CI log may print the file


def _page(title: str, body: str) -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        body,
        "</body>",
        "</html>",
        "",
    ])


def _title(result: RunResult) -> str:
    spec = result.spec
    version = f" {e(spec.version)}" if spec.version else ""
    return f"specc {_verdict_word(result).lower()}: {e(spec.name)}{version}"


def _verdict_word(result: RunResult) -> str:
    return "PASSED" if result.verdict == PASSED else "FAILED"


# header ------------------------------------------------------------------------------------


def _banner(result: RunResult) -> str:
    tone = PASSED if result.verdict == PASSED else FAILED
    return (f'<header class="banner {tone}">\n'
            f'<div class="word">{MARKS[tone]} {_verdict_word(result)}</div>\n'
            f"<div>{e(common.verdict_summary(result))}; the gate fails on <b>{e(result.fail_on)}</b></div>\n"
            f"<div>{e(common.exit_line(result))}</div>\n</header>")


def _header(result: RunResult) -> str:
    spec = result.spec
    subtitle = " · ".join(part for part in (
        e(spec.title) if spec.title else "", f"version {e(spec.version)}" if spec.version else "") if part)
    lines = [f"<h1>specc check: {e(spec.name)}</h1>"]
    if subtitle:
        lines.append(f'<div class="subtitle">{subtitle}</div>')
    lines.append(_pairs([("spec", f"<code>{e(spec.path)}</code>"),
                         ("spec sha256", f'<code class="hash">{e(_digest(spec.sha256))}</code>')]))
    lines.append("<h2>Inputs</h2>")
    if not result.inputs:
        lines.append("<p>No inputs.</p>")
        return "\n".join(lines)
    rows = [[e(i.table), _num(common.count(i.rows)), e(i.format), f"<code>{e(i.path)}</code>",
             f'<code class="hash">{e(_digest(i.sha256))}</code>'] for i in result.inputs]
    header = ["table", _num("rows"), "format", "path", "sha256"]
    if any(i.current_rows is not None for i in result.inputs):  # `latest by`: what it kept
        header.insert(2, "latest by")
        for row, table_input in zip(rows, result.inputs):
            row.insert(2, e(common.resubmissions(table_input)))
    lines.append(_table(header, rows))
    return "\n".join(lines)


def _digest(sha256: str) -> str:
    return sha256.removeprefix("sha256:")


def _summary(result: RunResult) -> str:
    counts = result.counts()
    tiles = [f'<div class="tile {status}"><span class="n">{counts[status]:,}</span>'
             f'<span class="status {status}"><span class="mark">{MARKS[status]}</span>{WORDS[status]}</span></div>'
             for status in (FAILED, ERRORED, WARNED, PASSED)]
    tiles.append(f'<div class="tile"><span class="n">{e(common.percent(result.overall_compliance))}</span>'
                 "compliance overall</div>")
    return "<h2>Summary</h2>\n" + f'<div class="tiles">{"".join(tiles)}</div>'


def _compliance(result: RunResult) -> str:
    if not result.compliance:
        return ""
    rows = [[e(t.table), _num(common.count(t.rows)), _num(common.count(t.passing_rows)), _num(common.percent(t.score))]
            for t in result.compliance]
    rows.append(["<b>overall</b>", _num(common.count(sum(t.rows for t in result.compliance))),
                 _num(common.count(sum(t.passing_rows for t in result.compliance))),
                 _num(common.percent(result.overall_compliance), bold=True)])
    return ("<h2>Compliance</h2>\n<p>Rows that break no check of severity <code>error</code>.</p>\n"
            + _table(["table", _num("rows"), _num("passing rows"), _num("compliance")], rows))


# charts ------------------------------------------------------------------------------------


def _violations_chart(result: RunResult) -> str:
    checks = sorted((c for c in result.rules() if c.status in (FAILED, WARNED)),  # failed, then largest share first
                    key=lambda c: (ATTENTION_ORDER[c.status], -(common.share(c) or 0.0)))
    if not checks:
        return ""
    bars = [Bar(f"{MARKS[c.status]} {c.id}", common.share(c), common.describe_counts(c), c.status) for c in checks]
    high = svg.nice_ceiling(max((b.value for b in bars if b.value is not None), default=0.0)) or 1.0
    chart = svg.bar_chart("Violations per failed or warned check, as a share of what each checked",
                          bars[:MAX_BARS], (0.0, high), common.percent)
    caption = "Share of rows (or groups) checked that violate each failed or warned check, largest first"
    return "<h2>Violations</h2>\n" + _figure(caption, chart, len(bars) - MAX_BARS, "check")


def _breakdown(breakdown: Breakdown) -> str:
    groups = common.worst_groups_first(breakdown.groups)
    bars = [Bar(common.sample_value(g.get("value")), g.get("compliance"), _group_note(g)) for g in groups[:MAX_BARS]]
    role = e(breakdown.role)
    caption = (f"Compliance by {role} (<code>{e(breakdown.table)}.{e(breakdown.column)}</code>), "
               f"worst first: share of rows that break no <code>error</code> check")
    chart = svg.bar_chart(f"Compliance by {breakdown.role}", bars, (0.0, 1.0), common.percent)
    return (f'<h2>Compliance by {role}</h2>\n<div class="breakdown">\n'
            + _figure(caption, chart, len(groups) - MAX_BARS, breakdown.role) + "\n</div>")


def _group_note(group: dict) -> str:
    violating = group.get("violating_rows")
    return (f"{common.percent(group.get('compliance'))} ({common.count(violating)} of "
            f"{common.plural(group.get('rows') or 0, 'row')} {'violates' if violating == 1 else 'violate'})")


def _figure(caption: str, chart: str, left_out: int, noun: str) -> str:
    more = f'\n<p class="muted">… and {left_out:,} more {e(noun)}s; the JSON report has them all.</p>' if left_out > 0 else ""
    return f"<figure>\n<figcaption>{caption}</figcaption>\n{chart}{more}\n</figure>"


# metrics -----------------------------------------------------------------------------------


def _metrics(result: RunResult) -> str:
    metrics = result.metrics()
    if not metrics:
        return ""
    return "<h2>Metrics</h2>\n" + "\n".join(_metric(m) for m in metrics)


def _metric(metric: CheckResult) -> str:
    parts = [f'<div class="metric">\n<h3>{_status(metric.status)} <code>{e(metric.id)}</code> '
             f'<span class="muted">{_message(metric.message)}</span></h3>',
             f"<p>{e(common.describe_counts(metric))}; {e(common.describe_threshold(metric))}</p>"]
    if metric.status == ERRORED:
        parts.append(_error_block(metric))
    else:
        ticks = _ticks(metric)
        domain = svg.value_domain([metric.value] + [t.value for t in ticks])
        bar = Bar(f"{MARKS[metric.status]} {metric.id}", metric.value, _metric_value(metric), metric.status)
        parts.append(svg.bar_chart(f"{metric.id} against its thresholds", [bar], domain, common.number, ticks,
                                   "chart gauge"))
    parts.append(_scalar_details(metric.details))
    parts.extend(_group_charts(metric))
    parts.append("</div>")
    return "\n".join(part for part in parts if part)


def _drift(result: RunResult) -> str:
    """With `--baseline`: a before/after chart of each task's label shares, then the tables."""
    if result.drift is None:
        return ""
    from . import drift

    parts = [f"<h2>Drift</h2>\n<p>{e(drift.baseline_line(result.drift))}</p>"]
    for task, table in zip(result.drift["labels"], drift.label_tables(result.drift)):
        parts.append(_figure(e(table.note), _label_shift_chart(task, table.title), 0, "label"))
    for table in drift.label_tables(result.drift) + [drift.metric_table(result.drift), drift.check_table(result.drift)]:
        if table is None or not table.rows:
            continue
        rows = [[_num(c) if i in table.right else e(c) for i, c in enumerate(row)] for row in table.rows]
        parts.append(f"<h3>{e(table.title)}</h3>\n" + _table([e(h) for h in table.header], rows))
    parts += [f"<p>{e(line)}</p>" for line in drift.annotator_lines(result.drift)]
    return "\n".join(parts)


def _label_shift_chart(task: dict, title: str) -> str:
    from .drift import ordered_labels

    before, after = task["before"] or {}, task["after"]
    totals = sum(before.values()), sum(after.values())
    bars = []
    for label in ordered_labels(task)[:MAX_BARS // 2]:
        for side, counts, total in (("before", before, totals[0]), ("now", after, totals[1])):
            share = counts.get(label, 0) / total if total else None
            bars.append(Bar(f"{label} · {side}", share, common.percent(share), "neutral" if side == "before" else "warned"))
    high = svg.nice_ceiling(max((b.value for b in bars if b.value is not None), default=0.0)) or 1.0
    return svg.bar_chart(f"{title}: share of each label, before and now", bars, (0.0, high), common.percent)


def _metric_value(metric: CheckResult) -> str:
    if metric.value is None and "not_evaluated" in metric.details:
        return "not evaluated"
    return common.metric_value(metric.value) if metric.value is not None else "undefined"


def _ticks(metric: CheckResult) -> tuple[Tick, ...]:
    threshold = metric.threshold
    return tuple(Tick(value, f"{level} {side} {common.number(value)}", level, side)
                 for level, side, value in (("warn", threshold.warn_side, threshold.warn_value),
                                            ("fail", threshold.fail_side, threshold.fail_value))
                 if side is not None and value is not None)


def _scalar_details(details: dict) -> str:
    """A metric's plain figures (units, level, micro.f1…); the per-group tables come after."""
    if not isinstance(details, dict):
        return ""
    pairs = []
    for key, value in details.items():
        if key in _DETAIL_TABLES:
            continue
        inner = value.items() if isinstance(value, dict) else [(None, value)]
        for name, item in inner:
            if item is None or isinstance(item, (str, int, float)):
                label = f"{key}.{name}" if name is not None else str(key)
                pairs.append((e(label), e(common.table_cell(item))))
    return _pairs(pairs[:MAX_DETAIL_FIELDS]) if pairs else ""


def _group_charts(metric: CheckResult) -> list[str]:
    """Each per-annotator or per-column breakdown of a metric, worst first: a chart of its
    score, then its table."""
    parts = []
    for table in common.group_tables(metric.details, common.higher_is_better(metric)):
        parts.append(f"<h3>{e(metric.id)} {e(table.heading)}</h3>")
        parts.append(_group_chart(metric, table))
        parts.append(_table([e(c) for c in table.columns], [[e(cell) for cell in row] for row in table.rows]))
        if table.left_out:
            parts.append(f'<p class="muted">… and {table.left_out:,} more rows, the best ones; '
                         "the JSON report has them all.</p>")
    return parts


def _group_chart(metric: CheckResult, table: common.GroupTable) -> str:
    flat, column = list(table.records), table.score
    if column is None:
        return ""
    names = [c for c in dict.fromkeys(key for r in flat for key in r)
             if all(isinstance(r.get(c), (str, type(None))) for r in flat) and any(isinstance(r.get(c), str) for r in flat)]
    labels = [" – ".join(common.sample_value(r.get(c)) for c in names) or f"#{n + 1}" for n, r in enumerate(flat)]
    ticks = _ticks(metric) if column == "metric" else ()  # the metric itself, per group: its levels apply
    bars = [_group_bar(label, common.finite(r.get(column)), ticks) for label, r in zip(labels, flat)]
    domain = svg.value_domain([b.value for b in bars] + [t.value for t in ticks])
    chart = svg.bar_chart(f"{metric.id} {table.title}: {column}", bars[:MAX_BARS], domain, common.number, ticks)
    return _figure(f"<code>{e(column)}</code> {e(table.title)}, worst first", chart, len(bars) - MAX_BARS, "row")


def _group_bar(label: str, value: float | None, ticks: tuple[Tick, ...]) -> Bar:
    """A group's score; against the metric's own levels, marked and coloured like a status."""
    status = PASSED if ticks and value is not None else "neutral"
    for tick in sorted(ticks, key=lambda t: t.level == "fail"):  # a fail level outranks a warn one
        if value is not None and (value < tick.value if tick.side == "below" else value > tick.value):
            status = FAILED if tick.level == "fail" else WARNED
    mark = f" {MARKS[status]}" if status in MARKS else ""
    return Bar(label, value, common.metric_value(value) + mark, status)


# checks ------------------------------------------------------------------------------------


def _attention_order(result: RunResult) -> list[tuple[int, CheckResult]]:
    """Checks with their position in the plan (their anchor), failed first; plan order within a status."""
    return sorted(enumerate(result.checks), key=lambda pair: ATTENTION_ORDER.get(pair[1].status, 4))


def _checks_table(result: RunResult, queries: dict[str, tuple[int, list[str]]]) -> str:
    rows = []
    for index, check in _attention_order(result):
        where = f'<div class="where">{e(common.location(check))}</div>' if check.source else ""
        links = []
        if check.status != PASSED and not common.is_metric(check):
            links.append(f'<a href="#samples-{index}">{"error" if check.status == ERRORED else "samples"}</a>')
        if check.sql:
            links.append(f'<a href="#query-{queries[check.sql][0]}">SQL</a>')
        link_line = f'<div class="where">{" · ".join(links)}</div>' if links else ""
        message = _message(check.message)
        if check.status == ERRORED and common.error_text(check):
            message += f'<div class="where">{_lines(common.error_text(check))}</div>'
        rows.append((check.status, [_status(check.status), f"<code>{e(check.id)}</code>{where}{link_line}",
                                    e(check.table or "—"), e(common.describe_counts(check)),
                                    e(common.describe_threshold(check)), message]))
    header = ["status", "check", "table", "violations / checked", "threshold", "message"]
    return f"<h2>Checks</h2>\n<p>Every check and metric, failed first.</p>\n{_table(header, rows)}"


def _status(status: str) -> str:
    return f'<span class="status {status}"><span class="mark">{MARKS.get(status, "?")}</span>{e(WORDS.get(status, status))}</span>'


def _message(text: str) -> str:
    """A spec author's message: its `code` spans kept as code, everything else as text."""
    lines = []
    for line in common.message_lines(text):
        parts = _CODE_SPAN.split(line)  # every third part from 0: prose; from 2: the code
        lines.append("".join(e(part) if index % 3 == 0 else f"<code>{e(part)}</code>" if index % 3 == 2 else ""
                             for index, part in enumerate(parts)))
    return "<br>".join(lines)


def _lines(text: str) -> str:
    return "<br>".join(e(line) for line in common.message_lines(text))


# samples -----------------------------------------------------------------------------------


def _samples(result: RunResult, options: RenderOptions) -> str:
    entries = [_sample_entry(index, check, options.max_samples) for index, check in _attention_order(result)
               if check.status in (FAILED, WARNED, ERRORED) and not common.is_metric(check)]
    if not entries:
        return ""
    return ("<h2>Samples of violating rows</h2>\n<p><code>row</code> is the 1-based row number in the input; "
            "values are cut at 60 characters, control characters shown as escapes.</p>\n" + "\n".join(entries))


def _sample_entry(index: int, check: CheckResult, max_samples: int | None) -> str:
    summary = (f"<summary>{_status(check.status)} <code>{e(check.id)}</code> · {e(check.table or '—')} · "
               f"{e(common.describe_counts(check))}</summary>")
    if check.status == ERRORED:
        body = _error_block(check)
    elif not check.samples:
        body = '<p class="muted">No sample rows were fetched.</p>'
    else:
        body = _sample_table(check.samples[:max_samples])
        left_out = len(check.samples) - len(check.samples[:max_samples])
        if left_out > 0:
            body += f'\n<p class="muted">… and {common.plural(left_out, "more sample")}</p>'
    return f'<details id="samples-{index}" open>\n{summary}\n{body}\n</details>'


def _sample_table(samples: tuple[dict, ...]) -> str:
    columns = list(dict.fromkeys(key for sample in samples for key in sample))
    if common.ROW_KEY in columns:
        columns.remove(common.ROW_KEY)
        columns.insert(0, common.ROW_KEY)
    rows = [[_cell(sample, key) for key in columns] for sample in samples]
    return _table([e(key) for key in columns], rows, css_class="mono")


def _cell(sample: dict, key) -> str:
    if key not in sample:
        return ""
    value = sample[key]
    if value is None:
        return '<i class="muted">NULL</i>'
    return e(common.sample_value(value))


def _error_block(check: CheckResult) -> str:
    text = common.error_text(check) or "no error text recorded"
    return f"<p>Could not run:</p>\n<pre>{_pre(text)}</pre>"


# queries, timings, footer -------------------------------------------------------------------


def _queries(checks: tuple[CheckResult, ...]) -> dict[str, tuple[int, list[str]]]:
    """Each distinct statement, numbered in plan order, with the checks it judged (one scan serves many)."""
    queries: dict[str, tuple[int, list[str]]] = {}
    for check in checks:
        if check.sql:
            queries.setdefault(check.sql, (len(queries) + 1, []))[1].append(check.id)
    return queries


def _queries_section(queries: dict[str, tuple[int, list[str]]]) -> str:
    if not queries:
        return ""
    entries = [f'<details id="query-{number}">\n<summary>Query {number}: '
               f"{', '.join(f'<code>{e(i)}</code>' for i in ids)}</summary>\n<pre>{_pre(sql)}</pre>\n</details>"
               for sql, (number, ids) in queries.items()]
    return "<h2>SQL</h2>\n<p>The statements whose counts judged the checks; one statement can serve many.</p>\n" + "\n".join(entries)


def _pre(text: str) -> str:
    return "\n".join(e(line) for line in text.expandtabs(4).splitlines())


def _timings(result: RunResult) -> str:
    if not result.timings:
        return ""
    pairs = [(e(str(key).removesuffix("_seconds")), e(_seconds(value))) for key, value in result.timings.items()
             if not isinstance(value, (dict, list))]  # --profile's phases and statements: in the JSON
    return "<h2>Timings</h2>\n" + _pairs(pairs)


def _seconds(value) -> str:
    return f"{value:.3f} s" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _footer() -> str:
    from .. import __version__

    return (f"<footer>specc {e(__version__)} · rendered from the run's result; "
            "<code>--format json</code> holds every value in full.</footer>")


# html helpers ------------------------------------------------------------------------------


def _num(text: str, bold: bool = False) -> tuple[str, str]:
    """A cell of plain text (`<0.01%`), escaped and aligned right."""
    return ("num", f"<b>{e(text)}</b>" if bold else e(text))


def _table(header: list, rows: list, css_class: str = "") -> str:
    """Cells are HTML already; a cell may be ("num", html) to right-align it; a row may be (css class, cells)."""
    lines = [f'<table class="{css_class}">' if css_class else "<table>", "<thead><tr>"
             + "".join(_cell_html("th", cell) for cell in header) + "</tr></thead>", "<tbody>"]
    for row in rows:
        row_class, cells = row if isinstance(row, tuple) else ("", row)
        opening = f'<tr class="{row_class}">' if row_class else "<tr>"
        lines.append(opening + "".join(_cell_html("td", cell) for cell in cells) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _cell_html(tag: str, cell) -> str:
    if isinstance(cell, tuple):
        return f'<{tag} class="{cell[0]}">{cell[1]}</{tag}>'
    return f"<{tag}>{cell}</{tag}>"


def _pairs(pairs: list[tuple[str, str]]) -> str:
    return '<dl class="pairs">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"

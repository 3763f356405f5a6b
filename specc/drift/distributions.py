"""The label counts of each task, one small count table per answer column, computed in SQL.

They go into the JSON report's `distributions` section, so a later run can compare its labels
with this one's (`specc check --baseline`). A list-valued answer (multilabel) counts each
label it holds; NULL answers are left out; a table that resolves resubmissions (`latest by`) counts its
current rows only, as its metrics do. Labels are keyed by their text (numbers as DuckDB
prints them), so two reports of one spec key them alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sqlsafe import identifier

ANSWER_ROLES = ("label", "rating", "tag")


@dataclass(frozen=True)
class LabelDistribution:
    task: str
    table: str
    column: str
    counts: tuple[tuple[str, int], ...]  # (label, rows), most frequent first, then by label

    def as_dict(self) -> dict:
        return dict(self.counts)

    def to_dict(self) -> dict:
        return {"task": self.task, "table": self.table, "column": self.column,
                "counts": [{"label": label, "count": n} for label, n in self.counts]}


def answer_columns(spec) -> list[tuple[str, str, str, bool, bool]]:
    """(task, table, column, is_list, current_only) of each task's answer column."""
    found = []
    for task in spec.tasks.values():
        role = next((task.role(name) for name in ANSWER_ROLES if task.role(name)), None)
        if role is None:
            continue
        ref = role.columns[0]
        table = ref.table or task.table.text
        if table not in spec.tables or spec.tables[table].column(ref.column) is None:
            continue
        value_type = spec.column_type(table, ref.column)
        found.append((task.name.text, table, ref.column, value_type is not None and value_type.kind == "list",
                      spec.tables[table].latest is not None))
    return found


def count_sql(table: str, column: str, is_list: bool, current_only: bool = False) -> str:
    value = identifier(column)
    current = ' WHERE "__specc_current"' if current_only else ""
    answer = f"unnest({value})" if is_list else value
    source = f"(SELECT {answer} AS {value} FROM {identifier(table)}{current}) AS \"__labels\""
    return (f"SELECT CAST({value} AS VARCHAR) AS label, count(*) AS n FROM {source} "
            f"WHERE {value} IS NOT NULL GROUP BY 1 ORDER BY n DESC, label")


def label_distributions(spec, query) -> tuple[LabelDistribution, ...]:
    """`query(sql, label=…)` returns (cursor, rows), as the runner's does."""
    result = []
    for task, table, column, is_list, current_only in answer_columns(spec):
        _, rows = query(count_sql(table, column, is_list, current_only), label=f"label counts of {task}")
        result.append(LabelDistribution(task, table, column, tuple((str(label), int(n)) for label, n in rows)))
    return tuple(result)

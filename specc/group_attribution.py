"""How a group rule's failing groups count against rows: `set aside group|outliers|nothing`.

A group rule (`count distinct vendor per annotator <= 1`) is broken by groups, but compliance,
breakdowns and quarantine are about rows. Marking every row of a failing group would let eight
mistyped vendor strings condemn all of an annotator's 13,000 rows; so by default only the
rows that make the group fail are marked, where that is defined:

- `count distinct X per KEYS <= N` (or `< N`): the rows whose X is not among the group's N
  most frequent values (ties between equally frequent values go to the smaller value);
- `count per KEYS <= N` (or `< N`): the rows after the group's first N, in source order.

For other group rules (`count distinct annotator per item >= 3`: a missing row cannot be
marked) the default marks no row: the rule counts groups only. `set aside group` marks
every row of a failing group; `set aside nothing` marks none. Reports say how many rows each
group rule set aside.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ast

ATTRIBUTIONS = ("group", "outliers", "nothing")


@dataclass(frozen=True)
class Outliers:
    """The rows of a failing group that make it fail: beyond the `allowed` first values or rows."""

    counted: str | None  # the column counted distinct; None for `count per KEYS`
    allowed: int  # how many distinct values (or rows) a group may have


def outliers_of(condition) -> Outliers | None:
    """The outlier form of `count distinct X per K <= N` / `count per K <= N`, or None."""
    if not isinstance(condition, ast.Compare) or condition.operator not in ("<=", "<"):
        return None
    aggregate, bound = condition.left, condition.right
    if not (isinstance(aggregate, ast.Aggregate) and aggregate.per and isinstance(bound, ast.Literal)
            and bound.kind == "number" and isinstance(bound.value, int)):
        return None
    allowed = bound.value if condition.operator == "<=" else bound.value - 1
    if allowed < 0:
        return None
    if aggregate.function == "count":
        return Outliers(None, allowed)
    if aggregate.function == "count_distinct" and isinstance(aggregate.argument, ast.ColumnRef) \
            and aggregate.argument.table is None:
        return Outliers(aggregate.argument.column, allowed)
    return None


def outliers_defined(condition) -> bool:
    return outliers_of(condition) is not None


def attribution(rule: ast.Rule) -> str:
    """group | outliers | nothing: what the rule sets aside, its default included."""
    if rule.set_aside is not None:
        return rule.set_aside.text
    return "outliers" if outliers_defined(rule.condition) else "nothing"

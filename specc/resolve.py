"""Resolver: imports, names, taxonomies, tasks, rule and metric types -> a `CheckedSpec`.

Every problem becomes a diagnostic with a stable code and the span of the offending node;
the resolver keeps going after a mistake so one `specc lint` run shows them all. Codes are
documented in docs/errors.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import ast
from .diagnostics import (Diagnostic, Diagnostics, SpecError, UsageError, closest_word, did_you_mean, error,
                          warning)
from .expr_types import SCALAR_TYPES, Scope, TypeChecker, article, check_regex, column_type
from .metric_kinds import METRIC_KINDS, metric_kind
from .source import SourceFile
from .task_kinds import TASK_KINDS, roles_for
from .taxonomy import LabelTree, build_tree

NUMERIC_CONSTRAINTS = (ast.Bound, ast.Range)


@dataclass(frozen=True)
class CheckedSpec:
    """A spec whose names, imports and types are known to be right."""

    path: str
    name: str
    title: str | None
    version: str | None
    owner: str | None
    description: str | None
    guidelines: tuple[str, ...]
    taxonomies: dict[str, LabelTree]
    records: dict[str, ast.Record]
    tables: dict[str, ast.Table]
    tasks: dict[str, ast.Task]
    rule_blocks: tuple[ast.RuleBlock, ...]
    metrics: tuple[ast.Metric, ...]
    sources: dict[str, SourceFile] = field(default_factory=dict)
    warnings: tuple[Diagnostic, ...] = ()
    text_hash: str = ""
    # Every file the spec was read from — itself, imported specs, YAML taxonomies — as
    # (real path, sha256 of what was read): what a cached resolution must still match.
    read_from: tuple[tuple[str, str], ...] = ()

    def column_type(self, table: str, column: str):
        declared = self.tables[table].column(column)
        return column_type(declared.type, self.taxonomies, self.records) if declared else None

    def rules(self):
        for block in self.rule_blocks:
            for rule in block.rules:
                yield block, rule


@dataclass
class _Loaded:
    """Declarations gathered from the root spec and everything it imports."""

    root: ast.Spec | None = None
    items: list = field(default_factory=list)  # (item, SourceFile)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    failed_taxonomies: set = field(default_factory=set)  # imported from YAML, but unreadable
    read_from: dict[str, str] = field(default_factory=dict)  # real path: digest (CheckedSpec.read_from)

    def read_bytes(self, path: Path) -> bytes:
        """Read a file the spec is made of, and record what was read."""
        raw = path.read_bytes()
        self.read_from[str(path.resolve())] = bytes_digest(raw)
        return raw


# ---- loading and imports ------------------------------------------------------------------


def _load(path: Path, loaded: _Loaded, diagnostics: Diagnostics, stack: tuple[Path, ...], via=None,
          text: str | None = None) -> None:
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL in the name
        if via is None:
            raise OSError(str(exc)) from None
        diagnostics.add(error("E109", via.span, f"cannot read imported spec `{via.path}`: {exc}"))
        return
    if resolved in stack:
        chain = " -> ".join(p.name for p in stack[stack.index(resolved):] + (resolved,))
        diagnostics.add(error("E110", via.span, f"import cycle: {chain}"))
        return
    if str(resolved) in {str(Path(p).resolve()) for p in loaded.sources}:
        return  # imported twice through different paths: declarations are already in
    try:
        if text is not None:
            source = SourceFile(str(path), text)
        else:
            source = SourceFile.from_bytes(path, loaded.read_bytes(path))
    except (OSError, ValueError) as exc:
        if via is None:
            raise OSError(getattr(exc, "strerror", None) or str(exc)) from None
        reason = getattr(exc, "strerror", None) or str(exc)
        diagnostics.add(error("E109", via.span, f"cannot read imported spec `{via.path}`: {reason}"))
        return
    from .parse import parse_source  # Lark is imported only when a spec is parsed, not read from the cache

    result = parse_source(source)
    loaded.sources[source.path] = source
    diagnostics.extend(result.diagnostics)
    if result.spec is None:
        return
    if via is None:
        loaded.root = result.spec
    for item in result.spec.items:
        if isinstance(item, ast.ImportSpec):
            _load(path.parent / item.path, loaded, diagnostics, stack + (resolved,), item)
        elif isinstance(item, ast.ImportTaxonomy):
            from .taxonomy_yaml import load_yaml_taxonomy  # PyYAML only for a spec that imports one

            taxonomy, problems = load_yaml_taxonomy(path.parent / item.path, item.name, loaded.read_bytes)
            diagnostics.extend(problems)
            if taxonomy is not None:
                loaded.items.append((taxonomy, source))
            else:
                loaded.failed_taxonomies.add(item.name.text)
        elif via is None or not isinstance(item, (ast.SpecHeader, ast.Meta, ast.Guideline)):
            loaded.items.append((item, source))


# ---- the resolver -------------------------------------------------------------------------


class Resolver:
    def __init__(self, loaded: _Loaded, diagnostics: Diagnostics):
        self.loaded = loaded
        self.diagnostics = diagnostics
        self.taxonomies: dict[str, LabelTree] = {}
        self.records: dict[str, ast.Record] = {}
        self.tables: dict[str, ast.Table] = {}
        self.tasks: dict[str, ast.Task] = {}
        self.rule_blocks: list[ast.RuleBlock] = []
        self.metrics: list[ast.Metric] = []
        self.used_taxonomies: set[str] = set()
        self.used_labels: list = []

    def report(self, code, node, message, hint=None) -> None:
        self.diagnostics.add(error(code, node.span, message, hint))

    def run(self) -> None:
        self.collect()
        for table in list(self.tables.values()) + list(self.records.values()):
            self.check_columns(table)
        for table in self.tables.values():
            self.check_table_keys(table)
            self.check_table_settings(table)
        for task in self.tasks.values():
            self.check_task(task)
        rule_ids: dict[str, ast.Identifier] = {}
        for block in self.rule_blocks:
            self.check_rule_block(block, rule_ids)
        for metric in self.metrics:
            self.check_metric(metric, rule_ids)
        self.warn_unused_and_deprecated()

    # ---- declarations ------------------------------------------------------------------

    def collect(self) -> None:
        registries = {ast.Taxonomy: self.taxonomies, ast.Record: self.records, ast.Table: self.tables,
                      ast.Task: self.tasks}
        declared: dict[str, ast.Identifier] = {}
        for item, _source in self.loaded.items:
            if isinstance(item, ast.RuleBlock):
                self.rule_blocks.append(item)
            elif isinstance(item, ast.Metric):
                self.metrics.append(item)
            elif type(item) in registries:
                self.declare(item, registries[type(item)], declared)
        for name in sorted(set(self.tables) & set(self.records)):
            self.report("E101", self.records[name].name, f"`{name}` names both a table and a record",
                        f"the table is declared at {self.tables[name].name.span}")
        for name, taxonomy in list(self.taxonomies.items()):
            tree, problems = build_tree(taxonomy)
            self.diagnostics.extend(problems)
            self.taxonomies[name] = tree

    def declare(self, item, registry: dict, declared: dict) -> None:
        name = item.name.text
        kind = type(item).__name__.lower()
        if name in SCALAR_TYPES and not isinstance(item, (ast.Table, ast.Task)):
            self.report("E101", item.name, f"`{name}` is a built-in type and cannot name a {kind}")
            return
        if name in registry or (not isinstance(item, (ast.Table, ast.Task)) and name in declared):
            first = declared.get(name) or registry[name].name
            self.report("E101", item.name, f"{kind} `{name}` is declared twice", f"first declared at {first.span}")
            return
        registry[name] = item
        if not isinstance(item, (ast.Table, ast.Task)):
            declared[name] = item.name

    # ---- columns -----------------------------------------------------------------------

    def check_columns(self, table) -> None:
        seen: dict[str, ast.Column] = {}
        for column in table.columns:
            if column.name.text in seen:
                self.report("E107", column.name, f"column `{column.name.text}` is declared twice in `{table.name.text}`",
                            f"first declared at {seen[column.name.text].name.span}")
                continue
            seen[column.name.text] = column
            if self.misspelt_setting(column):
                return  # every later name is shifted by one: their errors would only mislead
            self.check_type(column.type)
            for constraint in column.constraints:
                self.check_constraint(column, constraint)

    # Words that open a table item other than a column (the grammar's `table_item`).
    TABLE_SETTINGS = ("strict", "source", "primary", "guideline")

    def misspelt_setting(self, column: ast.Column) -> bool:
        """`strcit` on its own line reads as a column whose type is the next line's name:
        say so at the misspelt word rather than call that name an unknown type."""
        guess = closest_word(column.name.text, self.TABLE_SETTINGS, max_edits=1)
        type_name = column.type.name.text if isinstance(column.type, ast.NamedType) else None
        if guess is None or type_name is None or type_name in SCALAR_TYPES or type_name in self.taxonomies \
                or type_name in self.records:
            return False
        self.report("E103", column.name, f"`{column.name.text}` reads as a column of type `{type_name}`, "
                    "which is not a type", f"did you mean `{guess}`?")
        return True

    def check_type(self, type_ref: ast.TypeRef) -> None:
        if isinstance(type_ref, ast.ListType):
            self.check_type(type_ref.item)
            return
        name = type_ref.name.text if isinstance(type_ref, ast.NamedType) else type_ref.taxonomy.text
        if isinstance(type_ref, ast.NamedType) and (name in SCALAR_TYPES or name in self.records):
            return
        node = type_ref.name if isinstance(type_ref, ast.NamedType) else type_ref.taxonomy
        tree = self.taxonomies.get(name)
        if tree is None and name in self.loaded.failed_taxonomies:
            return  # its import already reported why it is missing
        if tree is None:
            known = list(SCALAR_TYPES) + list(self.taxonomies) + list(self.records)
            what = "taxonomy" if not isinstance(type_ref, ast.NamedType) else "type or taxonomy"
            fallback = ("a taxonomy name" if what == "taxonomy" else
                        f"types: {', '.join(SCALAR_TYPES)}, or a taxonomy or record name")
            self.report("E103", node, f"unknown {what} `{name}`",
                        did_you_mean(name, list(self.taxonomies) if what == "taxonomy" else known) or fallback)
            return
        self.used_taxonomies.add(name)
        if isinstance(type_ref, ast.SubtreeType) and type_ref.code not in tree.nodes:
            self.report("E105", type_ref, f"`{type_ref.code}` is not a label of taxonomy `{name}`",
                        did_you_mean(type_ref.code, tree.codes()))

    def check_constraint(self, column: ast.Column, constraint) -> None:
        value_type = column_type(column.type, self.taxonomies, self.records)
        kind = value_type.kind
        if isinstance(constraint, NUMERIC_CONSTRAINTS) and kind not in ("int", "float", "any"):
            self.report("E206", constraint, f"a numeric bound does not apply to `{column.name.text}`, {article(value_type)}")
        elif isinstance(constraint, ast.Range) and constraint.low > constraint.high:
            self.report("E207", constraint, f"empty range: {constraint.low} is above {constraint.high}")
        elif isinstance(constraint, ast.Pattern):
            if kind not in ("string", "any"):
                self.report("E206", constraint, f"`pattern` applies to strings, not to `{column.name.text}`, {article(value_type)}")
            check_regex(constraint.regex, constraint, self.diagnostics.items)
        elif isinstance(constraint, ast.LengthBound):
            self.check_length(column, constraint, kind)
        elif isinstance(constraint, ast.OneOf):
            self.check_one_of(column, constraint, value_type)
        elif isinstance(constraint, ast.References):
            self.check_reference(constraint.target)
        elif isinstance(constraint, ast.BoolSpelling) and kind not in ("bool", "any"):
            self.report("E206", constraint, f"`{'true' if constraint.value else 'false'} \"…\"` spells a bool, "
                        f"but `{column.name.text}` is {article(value_type)}")

    def check_length(self, column, constraint: ast.LengthBound, kind: str) -> None:
        wanted = "list" if constraint.what == "items" else "string"
        if kind not in (wanted, "any"):
            self.report("E206", constraint, f"`{constraint.what}` applies to {article(wanted)}, not to `{column.name.text}`, {article(kind)}")
        if constraint.low is not None and constraint.high is not None and constraint.low > constraint.high:
            self.report("E207", constraint, f"empty range: {constraint.low} is above {constraint.high}")

    def check_one_of(self, column, constraint: ast.OneOf, value_type) -> None:
        if not constraint.values:
            self.report("E211", constraint, f"`one of []` allows no value at all for `{column.name.text}`")
        for value in constraint.values:
            literal_kind = {"number": "int" if isinstance(value.value, int) else "float"}.get(value.kind, value.kind)
            compatible = literal_kind == value_type.kind or (
                literal_kind in ("int", "float") and value_type.is_numeric) or value_type.kind == "any"
            if not compatible:
                self.report("E211", value, f"`{value.text}` is not {article(value_type)}, the type of `{column.name.text}`")

    def check_reference(self, target: ast.ColumnRef) -> ast.Column | None:
        if len(target.parts) != 2:
            self.report("E114", target, f"`{target}` is not `table.column`")
            return None
        table = self.tables.get(target.table)
        if table is None:
            self.report("E102", target, f"unknown table `{target.table}`", did_you_mean(target.table, self.tables))
            return None
        column = table.column(target.column)
        if column is None:
            self.report("E104", target, f"table `{target.table}` has no column `{target.column}`",
                        did_you_mean(target.column, [c.name.text for c in table.columns]))
        return column

    def check_table_keys(self, table: ast.Table) -> None:
        for key in table.primary_key:
            self.check_column_name(table, key)

    def check_table_settings(self, table: ast.Table) -> None:
        from .table_settings import table_setting_problems

        for code, node, message, hint in table_setting_problems(table, self.taxonomies, self.records):
            self.report(code, node, message, hint)

    def check_column_name(self, table: ast.Table, name: ast.Identifier, code: str = "E113") -> bool:
        if table.column(name.text) is not None:
            return True
        self.report(code, name, f"table `{table.name.text}` has no column `{name.text}`",
                    did_you_mean(name.text, [c.name.text for c in table.columns]))
        return False

    # ---- tasks -------------------------------------------------------------------------

    def check_task(self, task: ast.Task) -> None:
        kind = TASK_KINDS.get(task.kind.text)
        if kind is None:
            self.report("E301", task.kind, f"unknown task kind `{task.kind.text}`",
                        did_you_mean(task.kind.text, TASK_KINDS) or f"kinds: {', '.join(TASK_KINDS)}")
        table = self.table_named(task.table)
        if kind is None or table is None:
            return
        allowed_roles = roles_for(kind)
        for role in task.roles:
            if role.role.text not in allowed_roles:
                self.report("E302", role.role, f"a {kind.name} task has no role `{role.role.text}`",
                            did_you_mean(role.role.text, allowed_roles) or f"roles: {', '.join(allowed_roles)}")
            for column in role.columns:
                self.check_role_column(table, column)
        named = {role.role.text for role in task.roles}
        for missing in (r for r in kind.required_roles if r not in named):
            self.report("E303", task.name, f"{kind.name} task `{task.name.text}` needs a `{missing}` role",
                        f"add a line such as `{missing} COLUMN` inside the task")
        for option in task.allows:
            if option.text not in kind.options:
                self.report("E312", option, f"a {kind.name} task cannot `allow {option.text}`",
                            f"options: {', '.join(kind.options)}" if kind.options else "this kind has no options")
        for text_bound in task.text_bounds:
            self.check_text_bound(task, table, text_bound)
        if kind.name == "spans":
            self.check_span_bound(task, table)
        checks = kind.checks + tuple(f"{b.role.text}_{b.bound.what}" for b in task.text_bounds)
        for setting in task.checks:
            if setting.check.text not in checks:
                self.report("E308", setting.check, f"a {kind.name} task has no built-in check `{setting.check.text}`",
                            did_you_mean(setting.check.text, checks) or f"checks: {', '.join(checks)}")
        if task.scale is not None and task.scale.low >= task.scale.high:
            self.report("E207", task.scale, f"empty scale: {task.scale.low} is not below {task.scale.high}")
        if task.scale is not None and task.scale.step is not None and task.scale.step <= 0:
            self.report("E207", task.scale, f"a scale's step must be above 0, not {task.scale.step}")
        bound = task.cardinality
        if bound is not None and bound.low is not None and bound.high is not None and bound.low > bound.high:
            self.report("E207", bound, f"empty range: {bound.low} is above {bound.high}")

    def check_text_bound(self, task: ast.Task, table: ast.Table, text_bound: ast.TextBound) -> None:
        """`length response 20..4000`: the role must be bound in the task, to a text column."""
        role = task.role(text_bound.role.text)
        if role is None:
            self.report("E302", text_bound.role, f"task `{task.name.text}` binds no role `{text_bound.role.text}`",
                        did_you_mean(text_bound.role.text, [r.role.text for r in task.roles]))
            return
        ref = role.columns[0]
        target = table if ref.table is None else self.tables.get(ref.table)
        column = target.column(ref.column) if target is not None else None
        if column is not None:
            value_type = column_type(column.type, self.taxonomies, self.records)
            if value_type.kind not in ("string", "any"):
                self.report("E206", text_bound, f"`{text_bound.bound.what}` applies to text, not to `{ref}`, "
                            f"{article(value_type)}")
        bound = text_bound.bound
        if bound.low is not None and bound.high is not None and bound.low > bound.high:
            self.report("E207", bound, f"empty range: {bound.low} is above {bound.high}")

    def check_span_bound(self, task: ast.Task, table: ast.Table) -> None:
        """A span's bound: one `text` (a string) or one `text_length` (a whole number), of the
        span table or of a table that has the unit column to join on."""
        text, length = task.role("text"), task.role("text_length")
        if text is not None and length is not None:
            self.report("E314", length.role, "a spans task takes its bound from `text` or from `text_length`, not both",
                        "keep `text`: the length of the text is the bound")
            return
        role = text or length
        if role is None or len(role.columns) != 1:
            return
        ref = role.columns[0]
        target = table if ref.table is None else self.tables.get(ref.table)
        column = target.column(ref.column) if target is not None else None
        if column is None:
            return  # check_role_column reported it
        wanted = "string" if role is text else "int"
        found = column_type(column.type, self.taxonomies, self.records)
        if found.kind not in (wanted, "any"):
            self.report("E314", ref, f"`{role.role.text} {ref}` must name {article(wanted)} column, not {article(found)}",
                        "`text` names the text the offsets point into, `text_length` its length in characters")
        unit = task.role("unit")
        if target is not table and unit is not None and target.column(unit.columns[0].column) is None:
            key = unit.columns[0].column
            self.report("E314", ref, f"`{ref}` is joined to `{table.name.text}` on the unit column `{key}`, "
                        f"which table `{target.name.text}` does not have",
                        f"add the column `{key}` to table `{target.name.text}` (its key), or name a column of "
                        f"`{table.name.text}`")

    def check_role_column(self, table: ast.Table, ref: ast.ColumnRef) -> None:
        target = table if ref.table is None else self.tables.get(ref.table)
        if len(ref.parts) > 2:
            self.report("E104", ref, f"`{ref}` is not a column: write `column` or `table.column`")
        elif target is None:
            self.report("E102", ref, f"unknown table `{ref.table}`", did_you_mean(ref.table, self.tables))
        elif target.column(ref.column) is None:
            self.report("E104", ref, f"table `{target.name.text}` has no column `{ref.column}`",
                        did_you_mean(ref.column, [c.name.text for c in target.columns]))

    def table_named(self, name: ast.Identifier) -> ast.Table | None:
        table = self.tables.get(name.text)
        if table is None:
            self.report("E102", name, f"unknown table `{name.text}`", did_you_mean(name.text, self.tables))
        return table

    # ---- rules -------------------------------------------------------------------------

    def check_rule_block(self, block: ast.RuleBlock, rule_ids: dict) -> None:
        table = self.table_named(block.table)
        if block.latest and table is not None and table.latest is None:
            self.report("E119", block.table, f"`rules for latest {block.table.text}`: table `{block.table.text}` "
                        "declares no resubmission policy",
                        f"add `latest by COLUMN` to table `{block.table.text}`, or write `rules for {block.table.text}`")
        joined: tuple[str, ...] = ()
        if block.join is not None:
            other = self.table_named(block.join.table)
            if other is not None and table is not None:
                joined = (other.name.text,)
                for key in block.join.keys:
                    self.check_column_name(table, key) and self.check_column_name(other, key)
        for rule in block.rules:
            self.check_rule_id(rule.id, rule_ids)
            if table is not None:
                self.check_rule(rule, table, joined)

    def check_rule_id(self, rule_id: ast.Identifier, seen: dict) -> None:
        if rule_id.text in seen:
            self.report("E108", rule_id, f"id `{rule_id.text}` is used twice", f"first used at {seen[rule_id.text].span}")
        else:
            seen[rule_id.text] = rule_id

    def check_rule(self, rule: ast.Rule, table: ast.Table, joined) -> None:
        condition = rule.condition
        if isinstance(condition, ast.UniqueCondition):
            for name in condition.columns:
                self.check_column_name(table, name, "E104")
        elif isinstance(condition, ast.RawSql):
            if not condition.query.strip().lower().startswith(("select", "with", "from")):
                self.report("E311", condition, f"raw SQL of rule `{rule.id.text}` must be one query "
                            "(SELECT … or WITH …) returning the violating rows")
        else:
            scope = Scope(table, self.tables, self.taxonomies, self.records, joined, self.diagnostics.items)
            TypeChecker(scope).condition(condition)
            self.used_labels.extend(scope.used_labels)
            self.check_scope(condition, table)
        if rule.tolerance is not None:
            self.check_amount(rule.tolerance)
        self.check_thresholds(rule.thresholds, rule, "above")
        if rule.set_aside is not None:
            self.check_set_aside(rule)

    def check_set_aside(self, rule: ast.Rule) -> None:
        from .group_attribution import ATTRIBUTIONS, outliers_defined

        word = rule.set_aside.text
        if word not in ATTRIBUTIONS:
            self.report("E313", rule.set_aside, f"`set aside {word}`: write `set aside` "
                        + " or ".join(f"`{w}`" for w in ATTRIBUTIONS), did_you_mean(word, ATTRIBUTIONS))
        elif rule_scope(rule.condition) != "group":
            self.report("E313", rule.set_aside, "`set aside` applies to rules with `per` (group rules)",
                        "a row rule sets aside exactly the rows that break it")
        elif word == "outliers" and not outliers_defined(rule.condition):
            self.report("E313", rule.set_aside, "`set aside outliers` needs a rule of the form "
                        "`count distinct X per KEYS <= N` or `count per KEYS <= N`",
                        "for other group rules write `set aside group` or `set aside nothing`")

    def check_scope(self, condition, table: ast.Table) -> None:
        groupings = {aggregate.per for aggregate in aggregates_in(condition)}
        if len(groupings) > 1:
            self.report("E209", condition, "all aggregates in one rule must share the same `per` grouping")
            return
        if not groupings and not _has_share(condition):
            return
        keys = {key.text for key in next(iter(groupings), ())}
        for ref in bare_columns(condition):
            if ref.table is None and ref.column not in keys:
                self.report("E209", ref, f"`{ref}` is neither inside an aggregate nor a `per` key of this rule",
                            "use it inside an aggregate, e.g. `max(" + ref.column + ")`, or group by it")

    def check_amount(self, amount: ast.Amount) -> None:
        if amount.value < 0 or (amount.percent and amount.value > 100):
            self.report("E307", amount, f"a tolerance must be a count or a percentage between 0% and 100%, not {amount.text}")

    def check_thresholds(self, thresholds, owner, expected_side: str | None) -> None:
        levels: dict[str, ast.Threshold] = {}
        for threshold in thresholds:
            if threshold.amount.duration and expected_side == "above":
                self.report("E309", threshold, "a rule's bounds count its violations: write a number or a percentage")
            if threshold.level in levels:
                self.report("E309", threshold, f"`{threshold.level}` bound given twice")
            levels[threshold.level] = threshold
            if expected_side and threshold.side != expected_side:
                self.report("E309", threshold, f"a rule's bounds are on its violations: write `{threshold.level} above …`")
        warn, fail = levels.get("warn"), levels.get("fail")
        if warn and fail and warn.side == fail.side:
            stricter = (warn.amount.fraction < fail.amount.fraction) if warn.side == "above" else (
                warn.amount.fraction > fail.amount.fraction)
            if not stricter and warn.amount.fraction != fail.amount.fraction:
                self.report("E306", warn, f"the warning bound should be reached before the failing one "
                            f"(warn {warn.side} {warn.amount.text}, fail {fail.side} {fail.amount.text})")
        elif warn and fail:
            self.report("E306", fail, "warn and fail bounds must both be `above` or both `below`")

    # ---- metrics -----------------------------------------------------------------------

    def check_metric(self, metric: ast.Metric, ids: dict) -> None:
        self.check_rule_id(metric.id, ids)
        kind = metric_kind(metric.kind.text)
        if kind is None:
            self.report("E304", metric.kind, f"unknown metric `{metric.kind.text}`",
                        did_you_mean(metric.kind.text, METRIC_KINDS) or f"metrics: {', '.join(METRIC_KINDS)}")
            return
        self.check_metric_options(metric, kind)
        if kind.needs_baseline:  # metric_change has the task of the metric it follows
            if kind.name == "label_drift":
                self.metric_task(metric, kind)
            self.check_drift_metric(metric, kind)
            return
        task = self.metric_task(metric, kind)
        if task is None:
            return
        table = self.tables.get(task.table.text)
        if table is None:
            return
        for key in metric.per:
            self.check_column_name(table, key, "E104")
        if metric.min_units is not None and metric.min_units < 1:
            self.report("E305", metric, f"a group needs at least 1 unit, not {metric.min_units}")
        if kind.needs_of and metric.of is None:
            self.report("E305", metric, f"`{kind.name}` needs the column it summarises: `{kind.name} of COLUMN`")
        scope = Scope(table, self.tables, self.taxonomies, self.records, (), self.diagnostics.items)
        summarised = None
        if metric.of is not None:
            summarised = self.check_metric_expression(metric.of, scope, "of")
            if summarised is not None and not (summarised.is_numeric or summarised.kind in ("duration", "any")):
                self.report("E202", metric.of, f"`{kind.name}` summarises numbers or durations, not {article(summarised)}")
        if metric.where is not None:
            self.check_metric_expression(metric.where, scope, "where")
        if kind.needs_against and metric.against is None:
            self.report("E305", metric, f"`{kind.name}` needs its gold answers: `against TABLE.COLUMN`")
        if metric.against is not None:
            self.check_reference(metric.against)
        self.check_thresholds(metric.thresholds, metric, None)
        self.check_metric_units(metric, summarised)
        self.check_metric_answers(metric, task, table)
        self.check_share_thresholds(metric, kind)

    def check_drift_metric(self, metric: ast.Metric, kind) -> None:
        """`label_drift on TASK` and `metric_change of METRIC`: figures of the whole delivery
        against the baseline's, so no population, gold answers or groups of their own."""
        words = (("where", metric.where), ("against", metric.against), ("per", metric.per))
        if kind.name == "metric_change":  # its task is the followed metric's
            words += (("on", metric.task),)
        for word, given in words:
            if given:
                self.report("E305", metric, f"`{kind.name}` compares whole deliveries; it takes no `{word}`",
                            _DRIFT_HINTS.get((kind.name, word)))
        if kind.name == "label_drift" and metric.of is not None:
            self.report("E305", metric.of, "`label_drift` compares a task's labels; name the task with `on TASK`")
        if kind.name == "metric_change":
            self.check_changed_metric(metric)
        else:  # a distance, at most 1; a change may be any size
            self.check_share_thresholds(metric, kind)
        self.check_thresholds(metric.thresholds, metric, None)
        self.check_metric_units(metric, None)

    def check_changed_metric(self, metric: ast.Metric) -> None:
        if metric.of is None:
            self.report("E305", metric, "`metric_change` needs the metric it follows: `metric_change of METRIC`")
            return
        if not isinstance(metric.of, ast.ColumnRef) or len(metric.of.parts) != 1:
            self.report("E305", metric.of, "`metric_change of` takes the name of a metric of this spec")
            return
        name = metric.of.column
        followed = {m.id.text: m for m in self.metrics}
        target = followed.get(name)
        if target is None:
            self.report("E305", metric.of, f"`metric_change of {name}`: no metric `{name}` in this spec",
                        did_you_mean(name, followed) or f"metrics: {', '.join(followed) or 'none'}")
        elif getattr(metric_kind(target.kind.text), "needs_baseline", False):
            self.report("E305", metric.of, f"`{name}` is itself a drift metric; `metric_change` follows a "
                        "metric computed from the data")

    def check_metric_answers(self, metric: ast.Metric, task: ast.Task, table: ast.Table) -> None:
        """Interval and ratio alpha measure distances between numbers: the answers must be numbers."""
        levels = {o.text for o in metric.options} & {"interval", "ratio"}
        if metric.kind.text != "alpha" or not levels:
            return
        role = next((task.role(r) for r in ("label", "rating", "tag") if task.role(r)), None)
        if role is None:
            return
        ref = role.columns[0]
        column = (self.tables.get(ref.table) if ref.table else table).column(ref.column)
        value_type = column_type(column.type, self.taxonomies, self.records) if column is not None else None
        if value_type is not None and not value_type.is_numeric and value_type.kind != "any":
            self.report("E305", metric, f"{levels.pop()} alpha measures distances between numbers, but `{ref}` is "
                        f"{article(value_type)}", "use `nominal` (or `ordinal`, in the taxonomy's order)")

    def check_metric_expression(self, node, scope: Scope, where: str):
        """`of (…)` and `where …`: row expressions over the task's table, no aggregates."""
        if aggregates_in(node) or _has_share(node):
            self.report("E209", node, f"`{where}` takes a value of each row, not an aggregate")
            return None
        checker = TypeChecker(scope)
        return checker.condition(node) if where == "where" else checker.infer(node)

    def check_metric_units(self, metric: ast.Metric, summarised) -> None:
        """Bounds of a summary of durations are durations (`warn above 10m`), and only theirs."""
        is_duration = summarised is not None and summarised.kind == "duration"
        for threshold in metric.thresholds:
            if threshold.amount.duration and not is_duration:
                self.report("E201", threshold, f"`{threshold.amount.text}` is a duration, but `{metric.kind.text}` "
                            "of this metric is not", "write a plain number")
            elif is_duration and not threshold.amount.duration:
                self.report("E201", threshold, f"cannot compare a duration with the number {threshold.amount.text}",
                            f"write the unit: `{threshold.amount.text}s`, `{threshold.amount.text}m`, …")


    def check_share_thresholds(self, metric: ast.Metric, kind) -> None:
        """Every metric but a summary of a column (`mean of seconds`) is at most 1, so a
        bare bound above 1 is a forgotten `%`: `warn below 85` would always warn."""
        if kind.needs_of:
            return
        for threshold in metric.thresholds:
            amount = threshold.amount
            if not amount.percent and amount.value > 1:
                self.diagnostics.add(warning(
                    "W103", amount.span, f"`{kind.name}` is at most 1, so `{threshold.level} {threshold.side} "
                    f"{amount.text}` gives the same answer whatever the data", f"did you mean `{amount.text}%`?"))

    def check_metric_options(self, metric: ast.Metric, kind) -> None:
        used_groups: set[int] = set()
        for option in metric.options:
            group = next((i for i, g in enumerate(kind.option_groups) if option.text in g), None)
            if group is None:
                self.report("E305", option, f"`{kind.name}` has no option `{option.text}`",
                            did_you_mean(option.text, kind.options()) or
                            (f"options: {', '.join(sorted(kind.options()))}" if kind.options() else "it takes no options"))
            elif group in used_groups:
                self.report("E305", option, f"`{kind.name}` takes only one of {', '.join(kind.option_groups[group])}")
            used_groups.add(group if group is not None else -1)

    def metric_task(self, metric: ast.Metric, kind) -> ast.Task | None:
        if metric.task is not None:
            task = self.tasks.get(metric.task.text)
            if task is None:
                self.report("E310", metric.task, f"unknown task `{metric.task.text}`", did_you_mean(metric.task.text, self.tasks))
            elif kind.task_kinds and task.kind.text not in kind.task_kinds:
                self.report("E310", metric.task, f"`{kind.name}` does not apply to a {task.kind.text} task",
                            _WHAT_APPLIES.get((kind.name, task.kind.text)) or f"it applies to: {', '.join(kind.task_kinds)}")
            return task
        candidates = [t for t in self.tasks.values() if not kind.task_kinds or t.kind.text in kind.task_kinds]
        if len(candidates) == 1:
            return candidates[0]
        what = "no task it applies to" if not candidates else "several tasks it could apply to"
        self.report("E310", metric.kind, f"metric `{metric.id.text}` has {what}", "name one with `on TASK`")
        return None

    # ---- warnings ----------------------------------------------------------------------

    def warn_unused_and_deprecated(self) -> None:
        for name, tree in self.taxonomies.items():
            if name not in self.used_taxonomies:
                self.diagnostics.add(warning("W101", tree.taxonomy.name.span,
                                             f"taxonomy `{name}` is not used by any column"))
        for taxonomy, code, literal in self.used_labels:
            node = self.taxonomies[taxonomy].nodes.get(code)
            if node is not None and node.label.deprecated:
                self.diagnostics.add(warning("W102", literal.span, f"label `{code}` of `{taxonomy}` is deprecated"))


_DRIFT_HINTS = {
    ("metric_change", "per"): "a `per` metric's groups are compared by `metric_change of` it",
    ("metric_change", "on"): "it has the task of the metric it follows",
}

# Where a task kind has its own form of a metric, the hint names it.
_WHAT_APPLIES = {
    **{(name, kind): "agreement on preferences is `preference_agreement alpha` or `preference_agreement percent`"
       for name in ("alpha", "percent_agreement", "fleiss_kappa", "cohen_kappa") for kind in ("preference", "ranking")},
    **{(name, "spans"): "agreement on spans is `span_f1` (strict, exact, partial or type matching)"
       for name in ("alpha", "percent_agreement", "fleiss_kappa", "cohen_kappa", "gold_accuracy")},
}


# ---- expression walks shared with the planner ---------------------------------------------


def children_of(node) -> list:
    if isinstance(node, (ast.And, ast.Or)):
        return list(node.operands)
    if isinstance(node, (ast.Arithmetic, ast.Compare)):
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return list(node.arguments)
    if isinstance(node, ast.BetweenExpr):
        return [node.operand, node.low, node.high]
    if isinstance(node, ast.ShareOf):
        return [node.operand] + ([node.where] if node.where is not None else [])
    if isinstance(node, (ast.Not, ast.IsNull, ast.IsValid, ast.InList, ast.InSubtree, ast.InLeaves, ast.InColumn,
                         ast.Matches)):
        return [node.operand]
    if isinstance(node, ast.ShareWhere):
        return [node.condition]
    if isinstance(node, ast.Aggregate):
        return [node.argument] if node.argument is not None else []
    return []


def aggregates_in(node) -> list[ast.Aggregate]:
    if isinstance(node, ast.Aggregate):
        return [node]
    return [found for child in children_of(node) for found in aggregates_in(child)]


def bare_columns(node) -> list[ast.ColumnRef]:
    """Column references outside any aggregate or share."""
    if isinstance(node, ast.ColumnRef):
        return [node]
    if isinstance(node, (ast.Aggregate, ast.ShareOf, ast.ShareWhere)):
        return []
    return [found for child in children_of(node) for found in bare_columns(child)]


def rule_scope(condition) -> str:
    """row | group | table | unique | sql: what one evaluation of the rule covers."""
    if isinstance(condition, ast.UniqueCondition):
        return "unique"
    if isinstance(condition, ast.RawSql):
        return "sql"
    aggregates = aggregates_in(condition)
    if any(a.per for a in aggregates):
        return "group"
    if aggregates or _has_share(condition):
        return "table"
    return "row"


def _has_share(node) -> bool:
    return isinstance(node, (ast.ShareOf, ast.ShareWhere)) or any(_has_share(c) for c in children_of(node))


# ---- entry points -------------------------------------------------------------------------


def check_metadata(root: ast.Spec, diagnostics: Diagnostics) -> dict:
    headers = root.of_type(ast.SpecHeader)
    if not headers:
        span = root.items[0].span if root.items else root.span
        diagnostics.add(error("E115", span, "the spec has no `spec NAME` line", 'start the file with `spec my_project "Title"`'))
    for extra in headers[1:]:
        diagnostics.add(error("E112", extra.span, "`spec` is declared twice"))
    meta: dict[str, str] = {}
    for item in root.of_type(ast.Meta):
        if item.key in meta:
            diagnostics.add(error("E112", item.span, f"`{item.key}` is given twice"))
        meta[item.key] = item.value
    if headers:
        meta["name"] = headers[0].name.text
        if headers[0].title and "title" not in meta:
            meta["title"] = headers[0].title
    return meta


def resolve_file(path: str | Path, text: str | None = None
                 ) -> tuple[CheckedSpec | None, list[Diagnostic], dict[str, SourceFile]]:
    """Resolve a spec file; returns (spec or None when there are errors, diagnostics, sources).
    With `text`, that is the spec's text and `path` only names it (imports are found beside it)."""
    import hashlib

    diagnostics = Diagnostics()
    loaded = _Loaded()
    _load(Path(path), loaded, diagnostics, (), text=text)
    if loaded.root is None:
        return None, diagnostics.sorted(), loaded.sources
    meta = check_metadata(loaded.root, diagnostics)
    resolver = Resolver(loaded, diagnostics)
    resolver.run()
    if diagnostics.has_errors:
        return None, diagnostics.sorted(), loaded.sources
    digest = hashlib.sha256()
    for source_path in sorted(loaded.sources):
        digest.update(loaded.sources[source_path].text.encode("utf-8"))
    checked = CheckedSpec(
        str(path), meta.get("name", Path(path).stem), meta.get("title"), meta.get("version"),
        meta.get("owner"), meta.get("description"),
        tuple(g.text for g in loaded.root.of_type(ast.Guideline)),
        resolver.taxonomies, resolver.records, resolver.tables, resolver.tasks,
        tuple(resolver.rule_blocks), tuple(resolver.metrics), loaded.sources,
        tuple(diagnostics.sorted()), "sha256:" + digest.hexdigest(), tuple(sorted(loaded.read_from.items())),
    )
    return checked, diagnostics.sorted(), loaded.sources


def load_checked(path: str | Path) -> CheckedSpec:
    """Resolve or raise `SpecError` with every diagnostic: the entry point for compile/check.
    A spec resolved before, unchanged with all it imports, is read from `specc.spec_cache`."""
    from . import spec_cache

    cached = spec_cache.lookup(path)
    if cached is not None:
        return cached
    try:
        checked, diagnostics, sources = resolve_file(path)
    except OSError as exc:
        raise UsageError(f"cannot read spec: {exc.strerror}", where=str(path)) from None
    if checked is None:
        raise SpecError([d for d in diagnostics if d.is_error] or diagnostics, sources)
    spec_cache.store(path, checked)
    return checked


def bytes_digest(raw: bytes) -> str:
    """The digest of a file's bytes, as `CheckedSpec.read_from` records them."""
    import hashlib

    return hashlib.sha256(raw).hexdigest()

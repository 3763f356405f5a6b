"""`specc fmt`: a golden layout, round-trip properties and the command line.

The properties are the formatter's contract: formatting is idempotent, keeps the AST (spans
aside) and keeps every comment in order. They are checked on the checked-in specs and on
random ASTs drawn by the strategies below, which build exactly what the parser would build.
Set SPECC_UPDATE_GOLDEN=1 to rewrite the golden file after a deliberate layout change.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from specc import ast
from specc.build_ast import number_value
from specc.commands.fmt import fmt as fmt_command
from specc.fmt import FormatError, format_source, format_spec, grammar_keywords
from specc.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "docs" / "_syntax_tour.aspec.txt"
GOLDEN = ROOT / "tests" / "golden" / "fmt" / "syntax_tour.aspec"


def parse_clean(text: str, path: str = "<test>") -> ast.Spec:
    result = parse_text(text, path)
    errors = [d.render(result.source) for d in result.diagnostics if d.is_error]
    assert result.spec is not None and not errors, "\n".join(errors) + "\n--- text:\n" + text
    return result.spec


def comment_texts(spec: ast.Spec) -> list[str]:
    return [comment.text.rstrip() for comment in spec.comments]


def assert_round_trip(text: str, path: str = "<test>", same_places: bool = True) -> str:
    """Format `text` and check the properties; return the formatted text.

    The AST is the same, and so are the comments, each in the same place (see
    `comment_places`): only a second end-of-line comment on a line that formatting joins
    to another has to move (`same_places=False` for that case). Formatting is idempotent."""
    original = parse_clean(text, path)
    formatted = format_source(text, path)
    assert formatted is not None
    again = parse_clean(formatted, path)
    assert again == original
    assert sorted(comment_texts(again)) == sorted(comment_texts(original))
    if same_places:
        assert comment_places(again) == comment_places(original), formatted
    assert format_source(formatted, path) == formatted
    return formatted


# ---- where a comment is, independently of the formatter ------------------------------------


def statements(spec: ast.Spec) -> list[tuple[tuple, tuple[int, int], int]]:
    """(path in the AST, start, last line) of each thing a line of its own is written for:
    declarations, settings, columns, labels and their attributes, task items, rules, and
    the closing brace of each block (path ending in "}")."""
    found: list = []

    def add(path, span, last=None):
        found.append((path, (span.line, span.column), span.end_line if last is None else last))

    def block(path, node):
        add(path, node.span, node.span.line)
        found.append((path + ("}",), (node.span.end_line, node.span.end_column - 1), node.span.end_line))

    def label(path, node: ast.Label):
        attributes = [(("description",), node.description_span), (("guideline",), node.guideline_span),
                      (("deprecated",), node.deprecated_span)]
        for field_name in ("example_spans", "counterexample_spans", "alias_spans"):
            attributes += [((field_name, i), span) for i, span in enumerate(getattr(node, field_name))]
        attributes = [(name, span) for name, span in attributes if span.file != "<unknown>"]
        if node.children:
            block(path, node)
        else:
            add(path, node.span, node.span.line if attributes else None)
        for name, span in attributes:
            add(path + name, span)
        if node.children and attributes:  # the children's `{` then has a line of its own
            add(path + ("{",), node.children_span, node.children_span.line)
        for i, child in enumerate(node.children):
            label(path + ("children", i), child)

    for i, item in enumerate(spec.items):
        path = (i,)
        if isinstance(item, (ast.Taxonomy, ast.Table, ast.Record, ast.Task, ast.RuleBlock)):
            block(path, item)
        else:
            add(path, item.span)
        for name in ("guideline_span", "source_span", "strict_span", "primary_key_span"):
            span = getattr(item, name, None)
            if span is not None and span.file != "<unknown>":
                add(path + (name,), span)
        for i, node in enumerate(getattr(item, "labels", ())):
            label(path + ("labels", i), node)
        for name in ("columns", "roles", "allows", "checks", "text_bounds", "rules"):
            for j, node in enumerate(getattr(item, name, ()) if not isinstance(item, ast.Spec) else ()):
                add(path + (name, j), node.span)
        for name in ("scale", "cardinality") + (("latest", "timezone", "allow_empty") if isinstance(item, ast.Table) else ()):
            if getattr(item, name, None) is not None:
                add(path + (name,), getattr(item, name).span)
        for j, setting in enumerate(getattr(item, "read", ())):
            add(path + ("read", j), setting.span)
    return sorted(found, key=lambda entry: entry[1])


def comment_places(spec: ast.Spec) -> list[tuple[str, str, tuple]]:
    """Each comment as (text, "after" or "above", path): at the end of the line of the last
    thing started before it on its line, or above the thing it stands inside of or else
    the next thing (the end of the file at the latest)."""
    places = []
    found = statements(spec)
    for comment in spec.comments:
        position, line = (comment.span.line, comment.span.column), comment.span.line
        if comment.trailing:
            owners = [path for path, start, last in found if start < position and start[0] <= line <= last]
            places.append((comment.text.rstrip(), "after", owners[-1]))
            continue
        inside = [path for path, start, last in found if start[0] < line <= last]
        following = [path for path, start, _ in found if start > position]
        target = inside[-1] if inside else following[0] if following else ("end of file",)
        places.append((comment.text.rstrip(), "above", target))
    return sorted(places)


# ---- golden ---------------------------------------------------------------------------------


def test_syntax_tour_matches_golden_layout():
    formatted = format_source(TOUR.read_text(encoding="utf-8"), str(TOUR))
    if os.environ.get("SPECC_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(formatted, encoding="utf-8")
    assert formatted == GOLDEN.read_text(encoding="utf-8")


def test_golden_file_is_already_formatted():
    assert format_source(GOLDEN.read_text(encoding="utf-8")) == GOLDEN.read_text(encoding="utf-8")


# ---- checked-in specs -----------------------------------------------------------------------


def spec_files() -> list[Path]:
    return [TOUR, *sorted(ROOT.glob("specs/*/*.aspec"))]


@pytest.mark.parametrize("path", spec_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_checked_in_specs_round_trip(path: Path):
    text = path.read_text(encoding="utf-8")
    result = parse_text(text, str(path))
    if result.spec is None or any(d.is_error for d in result.diagnostics):
        pytest.skip("does not parse; `specc lint` reports it")
    assert_round_trip(text, str(path))


# ---- layout decisions -----------------------------------------------------------------------


def rule_condition(condition: str) -> str:
    formatted = assert_round_trip(f"rules for t {{ error r: {condition} }}")
    return formatted.splitlines()[1].removeprefix("  error r: ")


@pytest.mark.parametrize(
    "written, expected",
    [
        ("(a or b) and c", "(a or b) and c"),
        ("((a and b)) or c", "a and b or c"),
        ("not (x = 1)", "not (x = 1)"),
        ("not x = 1", "not (x = 1)"),
        ("not not x", "not (not x)"),
        ("(not x) = true", "(not x) = true"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("(a + b) * (c / d)", "(a + b) * (c / d)"),
        ("a / (b * c)", "a / (b * c)"),
        ("a - -1 > 0", "a - -1 > 0"),
        ("(a = b) = c", "(a = b) = c"),
        ("(a or b) or c", "(a or b) or c"),
        ("x between (a and b) and c", "x between (a and b) and c"),
        ("f((count per a, b), c) > 1", "f((count per a, b), c) > 1"),
        ("f(c, count per a, b) > 1", "f(c, count per a, b) > 1"),
        ("count distinct (count per a) per b > 1", "count distinct (count per a) per b > 1"),
        ("count distinct (a + b) per (c, d) >= 2", "count distinct (a + b) per c, d >= 2"),
        ("share of (a + b) <= 40%", "share of (a + b) <= 40%"),
        ("share where (x is null or y == 1) < 5%", "share where (x is null or y = 1) < 5%"),
        ("x <> 1 and y not in [1, -2.5, \"a\", true, null, 48h, 5%]",
         "x != 1 and y not in [1, -2.5, \"a\", true, null, 48h, 5%]"),
        ("`count` + length(`sum`) > `title`", "`count` + length(`sum`) > title"),
        ("x in `leaves` and y not in leaves and z in subtree \"LOC\"",
         "x in `leaves` and y not in leaves and z in subtree \"LOC\""),
    ],
)
def test_expressions_have_minimal_parentheses(written, expected):
    assert rule_condition(written) == expected


def test_strings_are_re_escaped_and_odd_names_backticked():
    formatted = assert_round_trip(
        'table t "say \\"hi\\"\\tnow" { `weird;--"col` string pattern "a\\\\d" `key` int }'
    )
    assert formatted == (
        'table t "say \\"hi\\"\\tnow" {\n'
        '  `weird;--"col`  string  pattern "a\\\\d"\n'
        "  `key`           int\n"
        "}\n"
    )


def test_long_text_goes_in_an_indented_block():
    formatted = assert_round_trip(
        'taxonomy T { A "a" example """first line\n  indented\nlast""" }\n'
        'guideline "one\\ntwo"\n'
    )
    assert formatted == (
        "taxonomy T {\n"
        '  A "a"\n'
        '    example """\n'
        "      first line\n"
        "        indented\n"
        "      last\n"
        '    """\n'
        "}\n"
        "\n"
        'guideline """\n'
        "  one\n"
        "  two\n"
        '"""\n'
    )


def test_text_that_a_block_cannot_hold_stays_a_string():
    for value in ['"say \\"\\"\\"\\nthree quotes"', '"  both\\n  indented"', '"trailing \\nspace "', '"\\nleading"']:
        formatted = assert_round_trip(f"guideline {value}\n")
        assert formatted == f"guideline {value}\n"


def test_label_with_attributes_and_children():
    formatted = assert_round_trip(
        'taxonomy T { LOC "Location" alias "PLACE" description "multi\\nline" { CITY } X }'
    )
    assert formatted == (
        "taxonomy T {\n"
        '  LOC "Location"\n'
        '    description """\n'
        "      multi\n"
        "      line\n"
        '    """\n'
        '    alias "PLACE"\n'
        "  {\n"
        "    CITY\n"
        "  }\n"
        "  X\n"
        "}\n"
    )


def test_keyword_names_in_every_position_round_trip():
    # The lexer is contextual, so each keyword is tried wherever a name can stand.
    for word in sorted(grammar_keywords()):
        name = ast.Identifier(word)
        reference = ast.ColumnRef((word,))
        condition = ast.And((
            ast.Compare("=", reference, ast.Call(name, (ast.ColumnRef((word, word)),))),
            ast.InColumn(reference, reference),
            ast.Compare(">", ast.Aggregate("count_distinct", reference, (name,)), reference),
            ast.Compare(">", ast.ShareOf(reference), ast.Aggregate("sum", reference, (name, name))),
        ))
        spec = ast.Spec((
            ast.SpecHeader(name, None),
            ast.ImportTaxonomy(name, "x.yaml"),
            ast.Taxonomy(name, None, None, (ast.Label(name, children=(ast.Label(name), ast.Label(name))), ast.Label(name))),
            ast.Record(name, None, (ast.Column(name, ast.NamedType(name)), ast.Column(name, ast.LeavesType(name)))),
            ast.Table(name, None, (ast.Column(name, ast.NamedType(name), (ast.References(ast.ColumnRef((word, word))),)),
                                   ast.Column(name, ast.NamedType(name))), (name, name)),
            ast.Task(name, None, name, name, roles=(ast.Role(name, (reference, reference)), ast.Role(name, (reference, reference), True)),
                     allows=(name,), checks=(ast.CheckSetting(name, "off"),)),
            ast.RuleBlock(name, ast.Join(name, (name, name)), (
                ast.Rule(name, "error", None, condition),
                ast.Rule(name, "warn", None, ast.UniqueCondition((name, name))),
                ast.Rule(name, None, None, reference, thresholds=(ast.Threshold("warn", "above", ast.Amount(1, False, "1")),)),
            )),
            ast.Metric(name, None, name, (name, name), reference, name, reference, (name, name)),
        ))
        assert_ast_round_trip(spec)


def test_length_not_equal_is_a_spec_error_not_formatted():
    # `length != N` is refused by the builder (E011), so there is nothing to format
    assert format_source("table t { a string length != 5 }") is None


def test_text_that_does_not_parse_gives_none():
    assert format_source("table t { a string ") is None
    assert format_source("table t { a string length 1.5..2 }") is None  # a builder error


def test_empty_spec_formats_to_empty_text():
    assert format_source("") == ""
    assert format_source("# only a comment  \n") == "# only a comment\n"


# ---- comments -------------------------------------------------------------------------------


def test_comments_stay_with_the_lines_they_precede():
    source = (
        "# Header of the file.\n"
        "\n"
        "spec demo  # trailing the header\n"
        "# before the table\n"
        "table t {\n"
        "  # before a\n"
        "  a int   # after a\n"
        "  b int\n"
        "  # at the end of the block\n"
        "}  # after the brace\n"
        "\n"
        "\n"
        "# section: rules\n"
        "\n"
        "rules for t {\n"
        "  error r: a > b  # why\n"
        "}\n"
        "metric m: alpha # metric note\n"
        "\n"
        "# end of file\n"
    )
    formatted = assert_round_trip(source)
    assert formatted == (
        "# Header of the file.\n"
        "\n"
        "spec demo  # trailing the header\n"
        "\n"
        "# before the table\n"
        "table t {\n"
        "  # before a\n"
        "  a  int  # after a\n"
        "  b  int\n"
        "  # at the end of the block\n"
        "}  # after the brace\n"
        "\n"
        "# section: rules\n"
        "\n"
        "rules for t {\n"
        "  error r: a > b  # why\n"
        "}\n"
        "\n"
        "metric m: alpha  # metric note\n"
        "\n"
        "# end of file\n"
    )


def test_comments_move_with_their_nodes_when_declarations_are_reordered():
    # Task items are printed in a fixed order; each comment goes where its item goes.
    source = (
        "task t: k on tab {\n"
        "  # about the check\n"
        "  check c off  # off for now\n"
        "  # about the role\n"
        "  unit doc\n"
        "}\n"
    )
    assert assert_round_trip(source) == (
        "task t: k on tab {\n"
        "  # about the role\n"
        "  unit doc\n"
        "  # about the check\n"
        "  check c off  # off for now\n"
        "}\n"
    )


def test_comments_above_and_after_table_settings_stay_there():
    source = (
        "table t {\n"
        "  a int\n"
        "  # the export the table comes from\n"
        "  source \"export.csv\"  # renamed in May\n"
        "  # one row per a\n"
        "  primary key a\n"
        "  # no other columns\n"
        "  strict\n"
        "  guideline \"g\"  # short\n"
        "}\n"
    )
    assert assert_round_trip(source) == (
        "table t {\n"
        "  guideline \"g\"  # short\n"
        "  # the export the table comes from\n"
        "  source \"export.csv\"  # renamed in May\n"
        "  # no other columns\n"
        "  strict\n"
        "  # one row per a\n"
        "  primary key a\n"
        "  a  int\n"
        "}\n"
    )


def test_comments_beside_label_attributes_stay_there():
    source = (
        "taxonomy T {\n"
        "  guideline \"g\"  # for all labels\n"
        "  LOC \"Location\" {  # places\n"
        "    CITY\n"
        "  }\n"
        "  PER \"Person\"\n"
        "    # the usual case\n"
        "    example \"Ada\"  # a real person\n"
        "    # retired in 2.0\n"
        "    deprecated\n"
        "    alias \"P\"  # old code\n"
        "}\n"
    )
    assert assert_round_trip(source) == (
        "taxonomy T {\n"
        "  guideline \"g\"  # for all labels\n"
        "\n"
        "  LOC \"Location\" {  # places\n"
        "    CITY\n"
        "  }\n"
        "  PER \"Person\"\n"
        "    # the usual case\n"
        "    example \"Ada\"  # a real person\n"
        "    alias \"P\"  # old code\n"
        "    # retired in 2.0\n"
        "    deprecated\n"
        "}\n"
    )


def test_a_comment_inside_a_statement_goes_above_it():
    source = "rules for t {\n  error r: a > 0\n    # both must hold\n    and b > 0\n}\n"
    assert assert_round_trip(source) == "rules for t {\n  # both must hold\n  error r: a > 0 and b > 0\n}\n"


def test_two_end_of_line_comments_joined_on_one_line():
    # The formatter joins the two source lines; one comment stays at the end, the other above.
    source = "metric m: alpha  # first\n  per annotator  # second\n"
    assert assert_round_trip(source, same_places=False) == "# second\nmetric m: alpha per annotator  # first\n"


def test_a_comment_after_a_text_block_stays_after_it():
    source = 'guideline """\n  one\n  two\n"""  # end of the guideline\n'
    assert assert_round_trip(source) == source


# ---- generated specs ------------------------------------------------------------------------

DURATION_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"'


def number_text(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


plain_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True)
odd_names = st.text(
    st.characters(blacklist_characters="`\n", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8
)
names = st.one_of(plain_names, plain_names, st.sampled_from(sorted(grammar_keywords())), odd_names)
identifiers = names.map(ast.Identifier)
identifier_lists = st.lists(identifiers, min_size=1, max_size=3).map(tuple)
column_refs = st.lists(names, min_size=1, max_size=2).map(lambda parts: ast.ColumnRef(tuple(parts)))

# every character but NUL, which no spec may hold (E002)
one_line_texts = st.text(st.one_of(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                                   st.sampled_from('"\\\t ')), max_size=16)
texts = st.one_of(one_line_texts, st.lists(one_line_texts, min_size=2, max_size=4).map("\n".join))
optional_texts = st.none() | texts

unsigned_integers = st.integers(0, 10**6)
signed_numbers = st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False)


def number_literal(value) -> ast.Literal:
    return ast.Literal("number", value, number_text(value))


def duration_literal(amount: str, unit: str) -> ast.Literal:
    return ast.Literal("duration", float(amount) * DURATION_SECONDS[unit], amount + unit)


def percent_literal(amount: str) -> ast.Literal:
    return ast.Literal("percent", number_value(amount) / 100, amount + "%")


string_literals = texts.map(lambda value: ast.Literal("string", value, quoted(value)))
decimal_texts = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2})?", fullmatch=True)
literals = st.one_of(
    signed_numbers.map(number_literal),
    string_literals,
    st.booleans().map(lambda value: ast.Literal("bool", value, str(value).lower())),
    st.just(ast.Literal("null", None, "null")),
    st.builds(duration_literal, decimal_texts, st.sampled_from(sorted(DURATION_SECONDS))),
    decimal_texts.map(percent_literal),
)
literal_lists = st.lists(literals, max_size=3).map(tuple)
per_lists = st.lists(identifiers, max_size=2).map(tuple)
compare_operators = st.sampled_from(["=", "!=", "<", "<=", ">", ">="])


expression_leaves = st.one_of(literals, column_refs, per_lists.map(lambda per: ast.Aggregate("count", None, per)))


def compound_expressions(sub) -> list:
    operand_lists = st.lists(sub, min_size=2, max_size=3).map(tuple)
    return [
        operand_lists.map(ast.Or),
        operand_lists.map(ast.And),
        sub.map(ast.Not),
        st.builds(ast.Compare, compare_operators, sub, sub),
        st.builds(ast.Arithmetic, st.sampled_from("+-*/"), sub, sub),
        st.builds(ast.IsNull, sub, st.booleans()),
        st.builds(ast.InList, sub, literal_lists, st.booleans()),
        st.builds(ast.InSubtree, sub, string_literals, st.booleans()),
        st.builds(ast.InLeaves, sub, st.booleans()),
        st.builds(ast.InColumn, sub, column_refs, st.booleans()),
        st.builds(ast.BetweenExpr, sub, sub, sub),
        st.builds(ast.Matches, sub, texts, st.booleans()),
        st.builds(ast.Call, identifiers, st.lists(sub, max_size=3).map(tuple)),
        st.builds(ast.Aggregate, st.sampled_from(["count_distinct", "sum", "avg", "min", "max"]), sub, per_lists),
        sub.map(ast.ShareOf),
        sub.map(ast.ShareWhere),
    ]


@st.composite
def expressions(draw, depth: int = 4):
    """Random expressions at most `depth` levels deep, covering every expression node."""
    # Drawing the node kind by index keeps the kinds equally likely at every level; left to
    # `one_of`, large trees overflow and the survivors are mostly chains of `not`.
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(expression_leaves)
    choices = compound_expressions(expressions(depth - 1))
    return draw(choices[draw(st.integers(0, len(choices) - 1))])


def allowed_range(operator: str, value: int):
    return {"<": (None, value - 1), "<=": (None, value), ">": (value + 1, None),
            ">=": (value, None), "=": (value, value)}[operator]


def length_bounds(what: str):
    compared = st.builds(
        lambda operator, value: ast.LengthBound(what, operator, *allowed_range(operator, value)),
        st.sampled_from(["<", "<=", ">", ">=", "="]), unsigned_integers,
    )
    ranged = st.builds(lambda low, high: ast.LengthBound(what, None, low, high), unsigned_integers, unsigned_integers)
    return compared | ranged


constraints = st.one_of(
    st.sampled_from([ast.Required(), ast.Optional(), ast.Key(), ast.Unique()]),
    st.builds(ast.Bound, compare_operators, signed_numbers),
    st.builds(ast.Range, signed_numbers, signed_numbers),
    st.builds(ast.Pattern, texts),
    length_bounds("length"),
    length_bounds("items"),
    st.builds(ast.OneOf, literal_lists),
    st.builds(ast.References, column_refs),
    st.builds(ast.Description, texts),
)
scalar_types = st.one_of(
    st.builds(ast.NamedType, identifiers),
    st.builds(ast.LeavesType, identifiers),
    st.builds(ast.SubtreeType, identifiers, texts),
)
types = scalar_types | scalar_types.map(ast.ListType) | scalar_types.map(ast.ListType).map(ast.ListType)
columns = st.lists(
    st.builds(ast.Column, identifiers, types, st.lists(constraints, max_size=3).map(tuple)), max_size=3
).map(tuple)


def labels(depth: int):
    children = st.just(()) if depth == 0 else st.lists(labels(depth - 1), max_size=2).map(tuple)
    text_lists = st.lists(texts, max_size=2).map(tuple)
    return st.builds(
        ast.Label, identifiers, optional_texts, optional_texts, text_lists, text_lists, text_lists,
        st.booleans(), optional_texts, children,
    )


amounts = st.builds(
    lambda value, percent: ast.Amount(value, percent, number_text(value) + ("%" if percent else "")),
    signed_numbers, st.booleans(),
)
thresholds = st.builds(ast.Threshold, st.sampled_from(["warn", "fail"]), st.sampled_from(["above", "below"]), amounts)
conditions = st.one_of(expressions(), st.builds(ast.UniqueCondition, identifier_lists), st.builds(ast.RawSql, texts))
rules = st.one_of(
    st.builds(ast.Rule, identifiers, st.sampled_from(["error", "warn"]), optional_texts, conditions, st.none() | amounts),
    st.builds(
        lambda id_, message, condition, bounds: ast.Rule(id_, None, message, condition, None, bounds),
        identifiers, optional_texts, conditions, st.lists(thresholds, min_size=1, max_size=2).map(tuple),
    ),
)
roles = st.one_of(
    st.builds(ast.Role, identifiers, st.lists(column_refs, min_size=1, max_size=2).map(tuple)),
    st.builds(lambda role, start, end: ast.Role(role, (start, end), True), identifiers, column_refs, column_refs),
)
versions = st.one_of(texts, st.from_regex(r"[0-9]+\.[0-9]+(\.[0-9]+(-rc\.[0-9])?)?", fullmatch=True))

items = st.one_of(
    st.builds(ast.SpecHeader, identifiers, optional_texts),
    st.builds(ast.Meta, st.sampled_from(["title", "owner", "description"]), texts),
    st.builds(ast.Meta, st.just("version"), versions),
    st.builds(ast.ImportSpec, texts),
    st.builds(ast.ImportTaxonomy, identifiers, texts),
    st.builds(ast.Guideline, texts),
    st.builds(ast.Taxonomy, identifiers, optional_texts, optional_texts, st.lists(labels(2), max_size=3).map(tuple)),
    st.builds(ast.Record, identifiers, optional_texts, columns),
    st.builds(
        ast.Table, identifiers, optional_texts, columns, st.lists(identifiers, max_size=2).map(tuple),
        st.booleans(), optional_texts, optional_texts,
    ),
    st.builds(
        ast.Task, identifiers, optional_texts, identifiers, identifiers, optional_texts,
        st.lists(roles, max_size=3).map(tuple), st.lists(identifiers, max_size=2).map(tuple),
        st.none() | st.builds(ast.Scale, signed_numbers, signed_numbers, st.none() | signed_numbers),
        st.none() | length_bounds("cardinality"),
        st.lists(st.builds(ast.CheckSetting, identifiers, st.sampled_from(["error", "warn", "off"])), max_size=2).map(tuple),
    ),
    st.builds(
        ast.RuleBlock, identifiers, st.none() | st.builds(ast.Join, identifiers, identifier_lists),
        st.lists(rules, max_size=3).map(tuple),
    ),
    st.builds(
        ast.Metric, identifiers, optional_texts, identifiers, st.lists(identifiers, max_size=2).map(tuple),
        st.none() | column_refs, st.none() | identifiers, st.none() | column_refs, per_lists,
        st.lists(thresholds, max_size=2).map(tuple),
    ),
)
specs = st.lists(items, max_size=5).map(lambda declared: ast.Spec(tuple(declared)))

GENERATED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_ast_round_trip(spec: ast.Spec) -> str:
    text = format_spec(spec)
    assert parse_clean(text) == spec
    assert format_spec(parse_clean(text)) == text
    return text


@GENERATED
@given(specs)
def test_generated_specs_round_trip(spec):
    assert_ast_round_trip(spec)


@GENERATED
@given(specs, st.data())
def test_generated_comments_survive_formatting(spec, data):
    lines = assert_ast_round_trip(spec).splitlines()
    count = data.draw(st.integers(1, 4))
    for number in range(count):
        position = data.draw(st.integers(0, len(lines)))
        comment = f"# note {number}" + data.draw(st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=6)).rstrip()
        if position < len(lines) and data.draw(st.booleans()):
            lines[position] += "  " + comment  # at the end of a code line
        else:
            lines.insert(position, comment)
    text = "\n".join(lines) + "\n"
    commented = parse_text(text)
    assume(commented.spec == spec and len(commented.spec.comments) == count)  # not inside a block
    formatted = assert_round_trip(text)
    assert comment_texts(parse_clean(formatted)) == comment_texts(commented.spec)  # nothing to reorder here


def lines_inside_text_blocks(text: str) -> tuple[set[int], set[int]]:
    """(lines a comment may not go above, lines a comment may not end): those a text block
    continues onto, and those it spans but does not close (1-based)."""
    from specc.parse import _parser

    no_above, no_after = set(), set()
    for token in _parser().parse_interactive(text).iter_parse():
        if token.type == "LONG_STRING" and token.end_line > token.line:
            no_above |= set(range(token.line + 1, token.end_line + 1))
            no_after |= set(range(token.line, token.end_line))
    return no_above, no_after


def with_comments_everywhere(text: str) -> str:
    """`text` with a comment above each line and at the end of each line, wherever a
    comment can stand (not inside a text block), and one at the end of the file."""
    no_above, no_after = lines_inside_text_blocks(text)
    out, number = [], 0
    lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")  # not splitlines(): only \n ends a line
    for line_number, line in enumerate(lines, 1):
        if line_number not in no_above:
            out.append(" " * (len(line) - len(line.lstrip())) + f"# above {number}")
            number += 1
        if line.strip() and line_number not in no_after:
            line += f"  # after {number}"
            number += 1
        out.append(line)
    return "\n".join(out + [f"# above {number}"]) + "\n"


@GENERATED
@given(specs)
def test_comments_in_every_position_stay_in_place(spec):
    commented_text = with_comments_everywhere(assert_ast_round_trip(spec))
    commented = parse_clean(commented_text)
    assert commented == spec
    formatted = assert_round_trip(commented_text)  # same AST, same comments in the same places, idempotent
    assert [c.trailing for c in parse_clean(formatted).comments].count(True) == \
        [c.trailing for c in commented.comments].count(True)


def test_comments_everywhere_on_the_checked_in_specs():
    for path in spec_files():
        text = format_source(path.read_text(encoding="utf-8"), str(path))
        commented_text = with_comments_everywhere(text)
        assert len(parse_clean(commented_text, str(path)).comments) > text.count("\n")
        assert_round_trip(commented_text, str(path))


# ---- command line ---------------------------------------------------------------------------

MESSY = "table t{a int required\nlonger_name string}\n"
TIDY = "table t {\n  a            int     required\n  longer_name  string\n}\n"


def run(*arguments: str):
    return CliRunner().invoke(fmt_command, list(arguments))


def test_check_reports_files_that_would_change_and_exits_1(tmp_path: Path):
    messy, tidy = tmp_path / "messy.aspec", tmp_path / "tidy.aspec"
    messy.write_text(MESSY)
    tidy.write_text(TIDY)
    result = run("--check", str(messy), str(tidy))
    assert result.exit_code == 1
    assert result.stdout == f"would reformat {messy}\n1 of 2 files would be reformatted\n"
    assert messy.read_text() == MESSY


def test_check_exits_0_when_everything_is_formatted(tmp_path: Path):
    tidy = tmp_path / "tidy.aspec"
    tidy.write_text(TIDY)
    result = run("--check", str(tidy))
    assert (result.exit_code, result.output) == (0, "1 file already formatted\n")


def test_check_summary_counts_every_outcome(tmp_path: Path):
    paths = []
    for index, text in enumerate([TIDY] * 10 + [MESSY, MESSY]):
        paths.append(tmp_path / f"spec{index:02}.aspec")
        paths[-1].write_text(text)
    assert run("--check", *map(str, paths[:10])).stdout == "10 files already formatted\n"
    result = run("--check", *map(str, paths))
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (1, "2 of 12 files would be reformatted")
    broken = tmp_path / "broken.aspec"
    broken.write_text("table t {\n")
    result = run("--check", *map(str, paths), str(broken))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "2 of 13 files would be reformatted; 1 of 13 files could not be formatted"


def test_rewrites_in_place_and_keeps_the_file_mode(tmp_path: Path):
    messy = tmp_path / "messy.aspec"
    messy.write_text(MESSY)
    messy.chmod(0o640)
    result = run(str(messy))
    assert result.exit_code == 0
    assert result.stdout == f"reformatted {messy}\n1 of 1 file reformatted\n"
    assert messy.read_text() == TIDY
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["messy.aspec"]  # no temporary file left
    assert run(str(messy)).output == "1 file already formatted\n"  # formatted files are not rewritten


def test_a_file_that_does_not_parse_is_reported_and_left_alone(tmp_path: Path):
    broken, messy = tmp_path / "broken.aspec", tmp_path / "messy.aspec"
    broken.write_text("table t {\n  a int\n  b ??? \n}\n")
    messy.write_text(MESSY)
    result = run(str(broken), str(messy))
    assert result.exit_code == 2
    assert re.search(re.escape(str(broken)) + r":3:\d+: error\[E\d+\]", result.stderr)
    assert "Traceback" not in result.output
    assert broken.read_text() == "table t {\n  a int\n  b ??? \n}\n"
    assert messy.read_text() == TIDY  # the other files are still formatted


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    missing = tmp_path / "missing.aspec"
    result = run("--check", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"{missing}: error: no such file\n1 of 1 file could not be formatted\n"
    assert "Traceback" not in result.output


def test_a_spec_with_a_builder_error_is_exit_2_and_untouched(tmp_path: Path):
    spec = tmp_path / "length.aspec"
    spec.write_text("table t { a string length != 5 }\n")
    result = run(str(spec))
    assert result.exit_code == 2
    assert "length.aspec:1:27: error[E011]" in result.stderr and "Traceback" not in result.output
    assert spec.read_text() == "table t { a string length != 5 }\n"

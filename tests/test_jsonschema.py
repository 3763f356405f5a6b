"""The JSON Schema backend: golden files, case files, example deliveries and `specc compile`.

Golden schemas for the tour spec live in tests/golden/jsonschema/tour/ (rewrite them after a
deliberate change with SPECC_UPDATE_GOLDEN=1). Case files in tests/golden/jsonschema/cases/
hold a tiny spec, rows and the indexes of the rows its schemas must reject. Example specs in
specs/NAME/ bring real deliveries: every `clean/` row must validate, and every `dirty/` table
must reject at least as many rows as its worst column check in `expected.json` counts.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import uuid
from pathlib import Path

import duckdb
import pytest

from specc.inputs import bind_directory, load_table
from specc.sqlsafe import identifier
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from specc.backends import BACKENDS, Backend, backend_names, get_backend
from specc.backends.jsonschema import JsonSchemaBackend, full_match, schema_file, schemas
from specc.commands.compile import compile as compile_command
from specc.diagnostics import SpecError, UsageError
from specc.render import render_diagnostics
from specc.resolve import load_checked

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "tests" / "fixtures" / "tour" / "tour.aspec"
GOLDEN = ROOT / "tests" / "golden" / "jsonschema"
CASES = sorted((GOLDEN / "cases").glob("*.yaml"))
EXAMPLE_SPECS = sorted((ROOT / "specs").glob("*/*.aspec"))
DELIVERY_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".parquet")
COLUMN_CHECKS = {"required", "range", "pattern", "length", "enum", "items", "type"}
UPDATE_GOLDEN = os.environ.get("SPECC_UPDATE_GOLDEN") == "1"


# ---- helpers ------------------------------------------------------------------------------


def load(path: Path):
    try:
        return load_checked(path)
    except SpecError as exc:
        pytest.fail(f"{path} does not resolve:\n{render_diagnostics(exc.diagnostics, exc.sources)}")


def table_validators(checked) -> dict[str, Draft202012Validator]:
    """One validator per table, sharing a registry so `$ref`s between files resolve offline."""
    documents = schemas(checked)
    registry = Registry().with_resources(
        (document["$id"], DRAFT202012.create_resource(document)) for document in documents.values())
    return {name: Draft202012Validator(documents[schema_file(name)], registry=registry)
            for name in checked.tables}


def failing_rows(validator: Draft202012Validator, rows: list[dict]) -> list[int]:
    return [index for index, row in enumerate(rows) if not validator.is_valid(row)]


def spec_params(paths: list[Path]):
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no specs/*/*.aspec yet"))]
    return [pytest.param(path, id=f"{path.parent.name}/{path.stem}") for path in paths]


# ---- reading deliveries with DuckDB --------------------------------------------------------


def read_rows(path: Path, column_kinds: dict[str, str]) -> list[dict]:
    """The rows of a delivery file as JSON-like dicts, as an exporter would have written them.

    JSON files keep their exact values (DuckDB hands back each object's raw text). CSV has no
    types, so every field is read as text and converted by the spec's column type; a value
    that does not convert stays text and fails the schema's `type`, as it should. Empty CSV
    fields are null, which the schema accepts for optional columns.
    """
    connection = duckdb.connect()
    try:
        if path.suffix == ".csv":
            relation = connection.read_csv(str(path), header=True, all_varchar=True)
            return [{name: from_csv(value, column_kinds.get(name, "string"))
                     for name, value in zip(relation.columns, record)} for record in relation.fetchall()]
        if path.suffix in (".json", ".jsonl", ".ndjson"):
            found = connection.execute("select json from read_json_objects(?, format='auto')", [str(path)])
            return [json.loads(text) for (text,) in found.fetchall()]
        found = connection.execute("select * from read_parquet(?)", [str(path)])
        names = [column[0] for column in found.description]
        return [{name: to_json_value(value) for name, value in zip(names, record)} for record in found.fetchall()]
    finally:
        connection.close()


def from_csv(text: str | None, kind: str):
    if text is None or kind in ("string", "timestamp", "any"):
        return text
    try:
        if kind == "int":
            return int(text) if text.lstrip("+-").isdigit() else float(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            return {"true": True, "false": False}[text.strip().lower()]
        return json.loads(text)  # lists and records written as JSON text
    except (ValueError, KeyError):
        return text


def to_json_value(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    return value


def column_kinds(checked, table: str) -> dict[str, str]:
    return {column.name.text: checked.column_type(table, column.name.text).kind
            for column in checked.tables[table].columns}


def delivery_files(folder: Path, tables) -> dict[str, Path]:
    """table -> its file in a delivery folder (one file per table, named after it).

    Tables read from a tool export (`source "READER:FILE"`) have no file of their own
    rows; their rows are read through the reader (see `reader_rows`)."""
    found = {}
    for table in tables:
        candidates = [folder / f"{table}{suffix}" for suffix in DELIVERY_SUFFIXES]
        existing = [path for path in candidates if path.is_file()]
        if existing:
            found[table] = existing[0]
    return found


def reader_rows(checked, folder: Path) -> dict[str, list[dict]]:
    """table -> its rows as the tool-export reader gives them (declared columns, nulls kept)."""
    bindings = {name: b for name, b in bind_directory(folder, checked, {}).items() if b.reader}
    connection = duckdb.connect()
    rows = {}
    for name, binding in bindings.items():
        load_table(connection, checked, binding)
        columns = ", ".join(identifier(c.name.text) for c in checked.tables[name].columns)
        found = connection.execute(f"SELECT {columns} FROM {identifier(name)} ORDER BY __specc_row")
        names = [column[0] for column in found.description]
        rows[name] = [{n: to_json_value(v) for n, v in zip(names, record)} for record in found.fetchall()]
    connection.close()
    return rows


def explain(validator, row) -> str:
    problem = best_match(validator.iter_errors(row))
    return f"{problem.json_path}: {problem.message}" if problem else "?"


# ---- the registry --------------------------------------------------------------------------


def test_every_registered_backend_loads_under_its_name():
    assert "jsonschema" in backend_names()
    for name in BACKENDS:
        backend = get_backend(name)
        assert isinstance(backend, Backend)
        assert backend.name == name and backend.description


def test_unknown_backend_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown target `nope`"):
        get_backend("nope")


# ---- golden files --------------------------------------------------------------------------


def test_tour_schemas_match_golden_files():
    rendered = JsonSchemaBackend().render(load(TOUR))
    golden_dir = GOLDEN / "tour"
    if UPDATE_GOLDEN:
        golden_dir.mkdir(parents=True, exist_ok=True)
        for stale in golden_dir.glob("*.schema.json"):
            if stale.name not in rendered:
                stale.unlink()
        for name, text in rendered.items():
            (golden_dir / name).write_text(text, encoding="utf-8")
    expected = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in golden_dir.glob("*.schema.json")}
    assert expected, "no golden files: run with SPECC_UPDATE_GOLDEN=1"
    assert sorted(rendered) == sorted(expected)
    for name, text in rendered.items():
        assert json.loads(text) == expected[name], f"{name} differs from its golden file"


def test_written_files_are_deterministic_and_atomic(tmp_path):
    checked = load(TOUR)
    backend = JsonSchemaBackend()
    first = backend.write(checked, tmp_path / "out")
    second = backend.write(checked, tmp_path / "out")
    assert [a.content for a in first] == [a.content for a in second]
    assert [a.name for a in first] == sorted(a.name for a in first)
    for artifact in first:
        text = artifact.path.read_text(encoding="utf-8")
        assert text == artifact.content and text.endswith("}\n") and '\n  "$id"' in text
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [a.name for a in first]  # no temp files


def test_tour_schemas_are_valid_and_ids_resolve():
    checked = load(TOUR)
    for name, document in schemas(checked).items():
        Draft202012Validator.check_schema(document)
        assert document["$id"] == f"https://specc.dev/schemas/news_ner/1.2.0/{name}"
    validators = table_validators(checked)
    assert validators["spans"].is_valid({"doc_id": "d1", "annotator": "ann", "start": 0, "label": "GPE"})
    assert not validators["spans"].is_valid({"doc_id": "d1", "annotator": "ann", "start": 0, "label": "LOC"})


# ---- mapping details that the case files do not show --------------------------------------


def test_patterns_are_anchored_as_full_matches():
    assert full_match("[a-z]+") == "^(?:[a-z]+)$"
    assert full_match("(?i)ab") == "^(?i:ab)$"


def test_a_record_and_a_table_with_one_name_is_a_spec_error(tmp_path):
    spec = tmp_path / "clash.aspec"
    spec.write_text("spec clash\nrecord thing { a int }\ntable thing { a int }\n")
    with pytest.raises(SpecError) as raised:
        load_checked(spec)  # the resolver refuses it before any schema is written
    assert raised.value.diagnostics[0].code == "E101"
    assert raised.value.diagnostics[0].span.line == 2


def test_nullable_record_column_and_unversioned_id(tmp_path):
    spec = tmp_path / "nested.aspec"
    spec.write_text("spec n\nrecord Span { start int }\ntable t { best Span  description \"The best one\" }\n")
    document = schemas(load(spec))["t.schema.json"]
    assert document["$id"] == "https://specc.dev/schemas/n/unversioned/t.schema.json"
    assert document["properties"]["best"] == {
        "description": "The best one", "anyOf": [{"$ref": "Span.schema.json"}, {"type": "null"}]}


# ---- case files: tiny spec, rows, the rows that must fail ---------------------------------


@pytest.mark.parametrize("case_file", CASES, ids=[path.stem for path in CASES])
def test_case_file(case_file: Path, tmp_path):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    spec = tmp_path / f"{case_file.stem}.aspec"
    spec.write_text(case["spec"], encoding="utf-8")
    checked = load(spec)
    for document in schemas(checked).values():
        Draft202012Validator.check_schema(document)
    validators = table_validators(checked)
    for table, expected in case["tables"].items():
        got = failing_rows(validators[table], expected["rows"])
        passing_wrongly = sorted(set(expected["failing"]) - set(got))
        failing_wrongly = {i: explain(validators[table], expected["rows"][i]) for i in set(got) - set(expected["failing"])}
        assert not passing_wrongly and not failing_wrongly, (
            f"{table}: rows that should fail but pass: {passing_wrongly}; rows that fail but should not: {failing_wrongly}")


def test_csv_values_are_converted_by_column_type(tmp_path):
    spec = tmp_path / "csv.aspec"
    spec.write_text("spec csv\ntable t { id string key  n int  x float  ok bool  at timestamp  tags list of string }\n")
    checked = load(spec)
    data = tmp_path / "t.csv"
    data.write_text('id,n,x,ok,at,tags\n007,3,1.5,true,2024-01-01 10:00:00,"[""a""]"\n8,,2,false,,\n9,abc,x,maybe,,\n')
    rows = read_rows(data, column_kinds(checked, "t"))
    assert rows[0] == {"id": "007", "n": 3, "x": 1.5, "ok": True, "at": "2024-01-01 10:00:00", "tags": ["a"]}
    assert rows[1] == {"id": "8", "n": None, "x": 2.0, "ok": False, "at": None, "tags": None}
    assert failing_rows(table_validators(checked)["t"], rows) == [2]


def test_json_jsonl_and_parquet_deliveries_read_alike(tmp_path):
    rows = [{"doc_id": "d1", "spans": [{"start": 0, "end": 2, "label": "PER"}]}]
    (tmp_path / "a.json").write_text(json.dumps(rows))
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    duckdb.connect().execute(
        f"copy (select 'd1' as doc_id, [{{'start': 0, 'end': 2, 'label': 'PER'}}] as spans) "
        f"to '{tmp_path / 'a.parquet'}' (format parquet)")
    for name in ("a.json", "a.jsonl", "a.parquet"):
        assert read_rows(tmp_path / name, {}) == rows, name


# ---- example specs and their deliveries ----------------------------------------------------


@pytest.mark.parametrize("spec_path", spec_params(EXAMPLE_SPECS))
def test_example_spec_schemas_are_valid(spec_path: Path):
    for name, document in schemas(load(spec_path)).items():
        Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("spec_path", spec_params(EXAMPLE_SPECS))
def test_clean_delivery_validates(spec_path: Path):
    checked = load(spec_path)
    folder = spec_path.parent / "clean"
    exported = reader_rows(checked, folder)
    files = {t: p for t, p in delivery_files(folder, checked.tables).items() if t not in exported}
    if not files and not exported:
        pytest.skip(f"no clean/ delivery for {spec_path}")
    validators = table_validators(checked)
    problems = []
    tables = {t: (p.name, read_rows(p, column_kinds(checked, t))) for t, p in files.items()}
    tables.update({t: (f"{t} (via its reader)", rows) for t, rows in exported.items()})
    for table, (shown, rows) in tables.items():
        problems += [f"{shown} row {i}: {explain(validators[table], rows[i])}"
                     for i in failing_rows(validators[table], rows)[:5]]
    assert not problems, "\n".join(problems)


def column_check_counts(expected: dict) -> dict[str, list[int]]:
    """table -> the counts of its column checks (TABLE.COLUMN.CHECK) in expected.json."""
    counts: dict[str, list[int]] = {}
    for key, count in expected.get("dirty", {}).get("violations", {}).items():
        table, _, rest = key.partition(".")
        column, _, check = rest.rpartition(".")
        if column and check in COLUMN_CHECKS:
            counts.setdefault(table, []).append(count)
    return counts


@pytest.mark.parametrize("spec_path", spec_params(EXAMPLE_SPECS))
def test_dirty_delivery_rows_fail(spec_path: Path):
    """At least the worst column check's count of rows fail; at most the sum of them all
    (a row failing beyond that is one the schema rejects but no column check flags)."""
    expected_file = spec_path.parent / "expected.json"
    if not expected_file.is_file():
        pytest.skip(f"no expected.json beside {spec_path}")
    checked = load(spec_path)
    counts = column_check_counts(json.loads(expected_file.read_text(encoding="utf-8")))
    counts = {table: found for table, found in counts.items() if table in checked.tables}
    if not counts:
        pytest.skip("expected.json names no column-check violations for this spec's tables")
    folder = spec_path.parent / "dirty"
    exported = reader_rows(checked, folder)
    files = delivery_files(folder, counts)
    validators = table_validators(checked)
    for table, found in counts.items():
        assert table in files or table in exported, (
            f"expected.json counts violations in `{table}` but dirty/ has no file for it")
        rows = exported[table] if table in exported else read_rows(files[table], column_kinds(checked, table))
        failed = failing_rows(validators[table], rows)
        shown = "; ".join(f"row {i}: {explain(validators[table], rows[i])}" for i in failed)
        assert max(found) <= len(failed) <= sum(found), (
            f"{table}: {len(failed)} rows fail the schema, expected {max(found)}..{sum(found)}: {shown}")


# ---- the command ---------------------------------------------------------------------------


def test_compile_writes_every_schema(tmp_path):
    out = tmp_path / "new" / "dir"
    result = CliRunner().invoke(compile_command, [str(TOUR), "--target", "jsonschema", "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in out.iterdir())
    assert written == ["Span.schema.json", "documents.schema.json", "gold.schema.json", "spans.schema.json"]
    for name in written:
        assert str(out / name) in result.output
    assert "Traceback" not in result.output


def test_compile_bad_spec_exits_2_with_a_location(tmp_path):
    spec = tmp_path / "bad.aspec"
    spec.write_text("spec bad\ntable t {\n  a  nosuchtype\n}\n")
    result = CliRunner().invoke(compile_command, [str(spec), "--target", "jsonschema", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "bad.aspec:3:" in result.output and "E103" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("arguments, message", [
    (["--target", "nope", "-o", "x"], "Invalid value for '--target'"),
    (["--target", "jsonschema"], "--out DIR is required"),
])
def test_compile_bad_arguments_exit_2(arguments, message):
    result = CliRunner().invoke(compile_command, [str(TOUR), *arguments])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output

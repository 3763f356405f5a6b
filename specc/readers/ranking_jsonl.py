"""Ranking JSON Lines (`ranking:PATH`): k model responses to one prompt, ordered best first.

One JSON object per line: the prompt, the responses shown and the annotator's ranking of
them, best first. One row per record, in file and line order:

| column | value |
|---|---|
| `prompt_id` | the record's `prompt_id` or `id` key as text; else its record number in its file (from 1) |
| `prompt` | the `prompt` key (a string, or a chat counted as its last message's `content`) |
| `responses` | the ids of the responses shown, in the order shown (list of strings) |
| `response_texts` | their texts, in the same order |
| `ranking` | the ids of the responses, best first (list of strings) |
| `annotator` | the `annotator` (or `annotator_id`) key; null when there is none |
| `line` | the record's line in its file |

**Response ids.** `responses` is a list of strings (the texts) or of objects with a `text`
(or `content`) and an optional `id` (a string or a number). A response's id is its `id`,
else its index in the list counted **from 0**, as text: three plain strings have the ids
`"0"`, `"1"`, `"2"`.

**Ranking.** `ranking` lists ids (strings) or indexes (integers, counted **from 0** into
`responses`), best first; an index is replaced by the id of the response at that place, so
`[2, 0, 1]` over `{"id": "r1"}, {"id": "r2"}, {"id": "r3"}` reads `["r3", "r1", "r2"]`. An
index outside the list is kept as its number in text (`7` -> `"7"`), which is then not the id
of any shown response, so the `ranking` task's `ranking_permutation` check reports it (as it
does a ranking counted from 1 by mistake).

When the declared `responses` column is a list of a record (`list of Response`), each item
is a record `{id, text}` instead of a bare id, so the record's own field checks apply.
Every other declared column is read from the key of the same name (see `common`).

Malformed exports stop with a `UsageError` at `FILE:LINE` naming the record and the field:
a line that is not a JSON object, no `prompt`, `responses` or `ranking` key, `responses` or
`ranking` not a list, a response that is neither a string nor an object with a text, or a
ranking item that is neither an id nor an integer index. A present key holding `null` loads
as null, for the table's `required` checks.
"""

from __future__ import annotations

from .. import ast
from ..expr_types import SCALAR_TYPES
from ..sqlsafe import identifier
from . import common
from .common import id_text, is_kind, key, kind
from .preference_jsonl import ANNOTATOR, PROMPT_ID, chat_problems, chat_text, first_problem

ITEMS = f"json_transform({key('j', 'responses')}, '[\"JSON\"]')"
RANKED = f"json_transform({key('j', 'ranking')}, '[\"JSON\"]')"
RESPONSE_ID = f"coalesce({id_text(key('r', 'id'))}, CAST(i - 1 AS VARCHAR))"
RESPONSE_TEXT = (f"CASE json_type(r) WHEN 'VARCHAR' THEN json_extract_string(r, '$') "
                 f"ELSE coalesce(json_extract_string(r, '$.text'), json_extract_string(r, '$.content')) END")


def _first_bad_item(items: str, bad: str, words: str) -> str:
    """SQL naming the first item of a list for which `bad` (over `x`) holds."""
    return (f"list_filter(list_transform({items}, lambda x, i: CASE WHEN {bad} THEN 'item ' || i || ' ' || {words} END), "
            f"lambda m: m IS NOT NULL)[1]")


def _checks() -> list[tuple[str, str, str]]:
    responses, ranking = key("j", "responses"), key("j", "ranking")
    bad_response = (f"NOT {is_kind('x', 'VARCHAR', 'OBJECT')} OR (json_type(x) = 'OBJECT' AND (NOT "
                    f"coalesce({is_kind(key('x', 'text'), 'VARCHAR')} OR {is_kind(key('x', 'content'), 'VARCHAR')}, FALSE) "
                    f"OR NOT {is_kind(key('x', 'id'), 'VARCHAR', 'BIGINT', 'UBIGINT', 'ABSENT')}))")
    response_words = (f"CASE WHEN json_type(x) = 'OBJECT' AND NOT {is_kind(key('x', 'id'), 'VARCHAR', 'BIGINT', 'UBIGINT', 'ABSENT')} "
                      f"THEN 'has an `id` that is ' || {kind(key('x', 'id'))} "
                      f"WHEN json_type(x) = 'OBJECT' THEN 'has no `text` string' "
                      f"ELSE 'is ' || {kind('x')} || ', not a response text or object' END")
    bad_rank = f"NOT {is_kind('x', 'VARCHAR', 'BIGINT', 'UBIGINT')}"
    return chat_problems("prompt") + [
        (f"{responses} IS NULL", "responses", "'is missing'"),
        (f"NOT {is_kind(responses, 'ARRAY', 'NULL')}", "responses",
         f"'must be a list of responses, found ' || {kind(responses)}"),
        (f"json_type({responses}) = 'ARRAY' AND len(list_filter({ITEMS}, lambda x: {bad_response})) > 0",
         "responses", _first_bad_item(ITEMS, bad_response, response_words)),
        (f"{ranking} IS NULL", "ranking", "'is missing'"),
        (f"NOT {is_kind(ranking, 'ARRAY', 'NULL')}", "ranking",
         f"'must be a list of response ids or indexes (best first), found ' || {kind(ranking)}"),
        (f"json_type({ranking}) = 'ARRAY' AND len(list_filter({RANKED}, lambda x: {bad_rank})) > 0", "ranking",
         _first_bad_item(RANKED, bad_rank, f"'is ' || {kind('x')} || ', not a response id or an index'")),
    ]


def _wants_records(table) -> bool:
    """Whether the declared `responses` column is a list of a record type (not of ids)."""
    column = next((c for c in table.columns if c.name.text == "responses"), None)
    return (column is not None and isinstance(column.type, ast.ListType)
            and isinstance(column.type.item, ast.NamedType) and column.type.item.name.text not in SCALAR_TYPES)


class RankingReader:
    name = "ranking"

    def relation(self, con, binding, table) -> tuple[str, list]:
        records = common.read_records(con, binding)
        common.raise_first(con, binding, first_problem(records, _checks()))
        staged = common.stage(binding, "responses")
        common.execute(con, f"""
            CREATE OR REPLACE TEMP TABLE {identifier(staged)} AS
            SELECT *, list_transform({ITEMS}, lambda r, i: {RESPONSE_ID}) AS ids,
                      list_transform({ITEMS}, lambda r, i: {RESPONSE_TEXT}) AS texts
            FROM {identifier(records)} ORDER BY file, line""", binding)
        place = "TRY_CAST(json_extract_string(x, '$') AS BIGINT)"
        ranking = (f"list_transform({RANKED}, lambda x: CASE WHEN json_type(x) = 'VARCHAR' THEN json_extract_string(x, '$') "
                   f"WHEN {place} >= 0 AND {place} < len(ids) THEN ids[{place} + 1] "
                   f"ELSE json_extract_string(x, '$') END)")
        responses = ("list_transform(ids, lambda x, i: struct_pack(id := x, text := texts[i]))"
                     if _wants_records(table) else "ids")
        columns = {
            "prompt_id": PROMPT_ID,
            "prompt": chat_text(key("j", "prompt")),
            "responses": responses,
            "response_texts": "texts",
            "ranking": ranking,
            "annotator": ANNOTATOR,
            "line": "line",
        }
        chosen = common.wanted(table, columns) + common.declared_extras(con, binding, records, table, columns)
        select = f"SELECT {common.projections(binding, chosen)} FROM {identifier(staged)} ORDER BY file, line"
        return common.finish(con, binding, select, staged, records)


READER = RankingReader()

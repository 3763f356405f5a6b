"""Pairwise preference JSON Lines (`preference:PATH`): one judgment per line.

The common shape of reward-model preference data (Anthropic HH, UltraFeedback binarised,
TRL's `prompt`/`chosen`/`rejected`): one JSON object per line with the prompt, the response
the annotator chose and the one they rejected, and optionally who judged and whether it was
a tie. One row per record, in file and line order:

| column | value |
|---|---|
| `prompt_id` | the record's `prompt_id` or `id` key as text; else its record number in its file (from 1) |
| `prompt` | the `prompt` key |
| `chosen`, `rejected` | the `chosen` and `rejected` keys: a response's text or id |
| `annotator` | the `annotator` (or `annotator_id`) key; null when there is none |
| `tie` | the `tie` key (true or false); false when the record has no `tie` key |
| `line` | the record's line in its file |

`prompt`, `chosen` and `rejected` are strings, or chats (a list of `{"role", "content"}`
messages, as TRL's conversational format writes them), which count as their last message's
`content` — the reply being judged. Every other declared column (`responses`, `shown_first`,
`seconds`, `vendor`…) is read from the key of the same name (see `common`).

Malformed exports stop with a `UsageError` at `FILE:LINE` naming the record and the field:
a line that is not a JSON object, no `prompt`, `chosen` or `rejected` key, one that is not a
string or a chat, or a `tie` that is not true or false. A present key holding `null` loads
as null, for the table's `required` checks.
"""

from __future__ import annotations

from ..sqlsafe import identifier
from . import common
from .common import id_text, is_kind, key, kind

GIVEN_ID = f"coalesce({id_text(key('j', 'prompt_id'))}, {id_text(key('j', 'id'))})"
PROMPT_ID = f"coalesce({GIVEN_ID}, CAST(record AS VARCHAR))"
ANNOTATOR = f"coalesce({id_text(key('j', 'annotator'))}, {id_text(key('j', 'annotator_id'))})"


def chat_text(value: str) -> str:
    """A string as it is; a chat as its last message's content."""
    return (f"CASE json_type({value}) WHEN 'VARCHAR' THEN json_extract_string({value}, '$') "
            f"WHEN 'ARRAY' THEN json_extract_string({value}, '$[#-1].content') END")


def chat_problems(name: str) -> list[tuple[str, str, str]]:
    """(condition, field, message) for a key that must hold a string or a chat."""
    value = key("j", name)
    last = f"json_extract({value}, '$[#-1]')"
    return [
        (f"{value} IS NULL", name, "'is missing'"),
        (f"NOT {is_kind(value, 'VARCHAR', 'ARRAY', 'NULL')}", name,
         f"'must be a string or a chat (a list of messages), found ' || {kind(value)}"),
        (f"json_type({value}) = 'ARRAY' AND NOT {is_kind(key(last, 'content'), 'VARCHAR')}", name,
         "'is a chat whose last message has no `content` string'"),
    ]


def first_problem(records: str, checks: list[tuple[str, str, str]]) -> str:
    """Problems SQL for `common.raise_first`: the first failed check of each record."""
    fields = " ".join(f"WHEN {condition} THEN '{field}'" for condition, field, _ in checks)
    messages = " ".join(f"WHEN {condition} THEN {message}" for condition, _, message in checks)
    return (f"SELECT file, line, record, {GIVEN_ID} AS id, CASE {fields} END AS field, "
            f"CASE {messages} END AS problem FROM {identifier(records)}")


class PreferenceReader:
    name = "preference"

    def relation(self, con, binding, table) -> tuple[str, list]:
        records = common.read_records(con, binding)
        tie = key("j", "tie")
        checks = chat_problems("prompt") + chat_problems("chosen") + chat_problems("rejected") + [
            (f"{tie} IS NOT NULL AND NOT {is_kind(tie, 'BOOLEAN', 'NULL')}", "tie",
             f"'must be true or false, found ' || {kind(tie)}"),
        ]
        common.raise_first(con, binding, first_problem(records, checks))
        columns = {
            "prompt_id": PROMPT_ID,
            "prompt": chat_text(key("j", "prompt")),
            "chosen": chat_text(key("j", "chosen")),
            "rejected": chat_text(key("j", "rejected")),
            "annotator": ANNOTATOR,
            "tie": f"CASE WHEN {tie} IS NULL THEN FALSE ELSE json_transform({tie}, '\"BOOLEAN\"') END",
            "line": "line",
        }
        chosen = common.wanted(table, columns) + common.declared_extras(con, binding, records, table, columns)
        select = f"SELECT {common.projections(binding, chosen)} FROM {identifier(records)} ORDER BY file, line"
        return common.finish(con, binding, select, records)


READER = PreferenceReader()

"""CoNLL BIO files (`conll:PATH`): one token per line, entity spans as character offsets.

The format: one token per line, columns separated by white space, the token first and its
tag (`O`, `B-TYPE`, `I-TYPE`) last (columns between, such as CoNLL-2003's part of speech
and chunk, are ignored); a blank line ends a sentence; a `-DOCSTART-` line starts a new
document. Each file is one annotator's copy of the corpus, so `annotator` is the stem of its
file name (`vendor_a.conll` -> `vendor_a`) and sentences are numbered per file: sentence 7
of one annotator's file is sentence 7 of another's.

**Sentence text.** CoNLL keeps tokens, not the original text, so each sentence's `text` is
rebuilt as its tokens joined by single spaces, and offsets are counted in that text (from
0, end exclusive, in Unicode characters): `EU rejects German call` puts `German` at 11..17.

**Spans** (the default): one row per entity, in file and line order:

| column | value |
|---|---|
| `doc` | the document's number in its file, from 1 (a file without `-DOCSTART-` is one document) |
| `sentence` | the sentence's number in its file, from 1 |
| `start`, `end` | the entity's character offsets in `text` |
| `label` | its type (`PER` for `B-PER I-PER`) |
| `span_text` | the tokens it covers, joined by single spaces |
| `text` | the sentence text |
| `tokens` | how many tokens it covers |
| `annotator`, `file` | the file's stem, and its name |
| `line` | the line of its first token in the file |

A sentence without any entity gives one row with `start`, `end`, `label`, `span_text` and
`tokens` null (and `line` its first token's line): the annotator tagged it and found nothing,
which span agreement counts against the other annotators' entities (and `required` does
not report).

A span starts at `B-X`, and also — as `conlleval` reads it — at an `I-X` that does not
follow `B-X` or `I-X` (after `O`, after another type, or first in the sentence); it goes on
over the `I-X` that follow. So IOB1 files (CoNLL-2003's original tagging) read right, and an
ill-formed sequence still loads: declare a token table to have the `tokens` task's
`bio_sequence` check report it. Tags that are neither `O` nor `B-`/`I-` something end a span
and start none.

**Tokens** (the table declares `token`, `tag` or `position`): one row per token, with `doc`,
`sentence`, `position` (the token's number in its sentence, from 1), `token`, `tag`, `start`,
`end` (its offsets in `text`), `text`, `annotator`, `file` and `line`.

A token line with a single column (no tag) is a malformed file: `UsageError` at
`FILE:LINE` naming the field `tag`.
"""

from __future__ import annotations

from ..sqlsafe import identifier
from . import common

FIELDS = "regexp_split_to_array(trim(raw), '\\s+')"


class ConllReader:
    name = "conll"

    def relation(self, con, binding, table) -> tuple[str, list]:
        lines = common.read_lines(con, binding)
        common.raise_first(con, binding, f"""
            SELECT file, line, NULL AS record, NULL AS id, 'tag' AS field,
                   CASE WHEN len({FIELDS}) < 2 THEN
                        'is missing: the line has one column (' || trim(raw) || '); a token line needs the token, '
                        || 'then its tag, separated by white space' END AS problem
            FROM {identifier(lines)} WHERE trim(raw) <> '' AND {FIELDS}[1] <> '-DOCSTART-'""")
        tokens = self._tokens(con, binding, lines)
        if common.declares(table, "token", "tag", "position"):
            columns = {name: identifier(name) for name in
                       ("doc", "sentence", "position", "token", "tag", "start", "end", "text", "annotator", "line")}
            columns["file"] = "file_name"
            select = (f"SELECT {common.projections(binding, common.wanted(table, columns))} "
                      f"FROM {identifier(tokens)} ORDER BY file, line")
            return common.finish(con, binding, select, tokens, lines)
        return self._spans(con, binding, table, tokens, lines)

    def _tokens(self, con, binding, lines: str) -> str:
        """One row per token with its document, sentence, position and offsets."""
        marked = f"""
            SELECT file, line, raw, {FIELDS}[1] = '-DOCSTART-' AS docstart,
                   trim(raw) = '' OR {FIELDS}[1] = '-DOCSTART-' AS boundary
            FROM {identifier(lines)}"""
        grouped = f"""
            SELECT *, sum(CAST(docstart AS INT)) OVER (PARTITION BY file ORDER BY line) AS doc_group,
                      sum(CAST(boundary AS INT)) OVER (PARTITION BY file ORDER BY line) AS sentence_group
            FROM ({marked})"""
        name = common.stage(binding, "tokens")
        common.execute(con, f"""
            CREATE OR REPLACE TEMP TABLE {identifier(name)} AS
            SELECT file, line, {common.file_stem('file')} AS annotator,
                   parse_filename(file) AS file_name,
                   dense_rank() OVER (PARTITION BY file ORDER BY doc_group) AS doc,
                   dense_rank() OVER (PARTITION BY file ORDER BY sentence_group) AS sentence,
                   row_number() OVER sentence_lines AS position,
                   token, tag,
                   CAST(coalesce(sum(length(token) + 1) OVER before_token, 0) AS BIGINT) AS start,
                   CAST(coalesce(sum(length(token) + 1) OVER before_token, 0) + length(token) AS BIGINT) AS "end",
                   string_agg(token, ' ' ORDER BY line) OVER (PARTITION BY file, sentence_group) AS text,
                   lag(tag) OVER sentence_lines AS previous_tag
            FROM (SELECT *, {FIELDS}[1] AS token, {FIELDS}[-1] AS tag FROM ({grouped}) WHERE NOT boundary)
            WINDOW sentence_lines AS (PARTITION BY file, sentence_group ORDER BY line),
                   before_token AS (sentence_lines ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            ORDER BY file, line""", binding)
        return name

    def _spans(self, con, binding, table, tokens: str, lines: str):
        entity = "substring(tag, 3)"
        inside = "regexp_full_match(tag, '[BI]-.+')"
        begins = (f"{inside} AND (starts_with(tag, 'B-') OR "
                  f"coalesce(previous_tag NOT IN ('B-' || {entity}, 'I-' || {entity}), TRUE))")
        chunked = f"""
            SELECT *, {inside} AS inside,
                   sum(CAST({begins} AS INT)) OVER (PARTITION BY file, sentence ORDER BY line) AS chunk
            FROM {identifier(tokens)}"""
        spans = f"""
            SELECT file, min(line) AS line, any_value(file_name) AS file_name, any_value(annotator) AS annotator,
                   any_value(doc) AS doc, sentence, any_value(text) AS text,
                   min(start) AS start, max("end") AS "end", arg_min({entity}, line) AS label,
                   count(*) AS tokens
            FROM ({chunked}) WHERE inside GROUP BY file, sentence, chunk
            UNION ALL  -- a sentence without a name was annotated all the same: one row says so
            SELECT file, min(line), any_value(file_name), any_value(annotator), any_value(doc), sentence,
                   any_value(text), NULL, NULL, NULL, NULL
            FROM ({chunked}) GROUP BY file, sentence HAVING NOT bool_or(inside)"""
        columns = {name: identifier(name) for name in
                   ("doc", "sentence", "start", "end", "label", "text", "tokens", "annotator", "line")}
        columns["file"] = "file_name"
        columns["span_text"] = 'substring(text, start + 1, "end" - start)'
        select = (f"SELECT {common.projections(binding, common.wanted(table, columns))} "
                  f"FROM ({spans}) ORDER BY file, line")
        return common.finish(con, binding, select, tokens, lines)


READER = ConllReader()

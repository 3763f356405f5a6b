"""Each task kind's built-in checks: one delivery that breaks them, one that passes."""

from __future__ import annotations

import json

import pytest

from tests.engine.conftest import run_spec, violations


def _counts(project, spec, files):
    spec_path, data = project(spec, files)
    result, _ = run_spec(spec_path, data)
    return violations(result), result


CLASSIFICATION = """
spec c
taxonomy Topic { sport politics }
table labels { item string  annotator string  topic Topic }
task topic: classification on labels { unit item  annotator annotator  label topic }
"""


def test_single_label(project):
    bad, _ = _counts(project, CLASSIFICATION, {"labels.csv": "item,annotator,topic\ni1,a,sport\ni1,a,politics\ni1,b,sport\ni2,a,sport\n"})
    assert bad["topic.single_label"] == 1  # (i1, a) labelled twice
    good, _ = _counts(project, CLASSIFICATION, {"labels.csv": "item,annotator,topic\ni1,a,sport\ni1,b,sport\n"})
    assert good["topic.single_label"] == 0


MULTILABEL_LIST = """
spec m
taxonomy Tag { a b c d }
table labels { item string  annotator string  tags list of Tag }
task tags: multilabel on labels { unit item  annotator annotator  label tags  cardinality 1..2 }
"""


def test_multilabel_list_column(project):
    rows = ('{"item":"i1","annotator":"x","tags":["a","a"]}\n'
            '{"item":"i2","annotator":"x","tags":["a","b","c"]}\n'
            '{"item":"i3","annotator":"x","tags":[]}\n'
            '{"item":"i4","annotator":"x","tags":["d"]}\n')
    bad, _ = _counts(project, MULTILABEL_LIST, {"labels.jsonl": rows})
    assert bad["tags.no_repeated_label"] == 1  # i1
    assert bad["tags.label_cardinality"] == 2  # i2 has 3, i3 has 0
    good, _ = _counts(project, MULTILABEL_LIST, {"labels.jsonl": '{"item":"i1","annotator":"x","tags":["a","b"]}\n'})
    assert good["tags.no_repeated_label"] == good["tags.label_cardinality"] == 0


MULTILABEL_ROWS = """
spec m
taxonomy Tag { a b c }
table labels { item string  annotator string  tag Tag }
task tags: multilabel on labels { unit item  annotator annotator  label tag  cardinality <= 2 }
"""


def test_multilabel_one_row_per_label(project):
    bad, _ = _counts(project, MULTILABEL_ROWS, {"labels.csv": "item,annotator,tag\ni1,x,a\ni1,x,a\ni2,x,a\ni2,x,b\ni2,x,c\n"})
    assert bad["tags.no_repeated_label"] == 2  # both copies of (i1, x, a)
    assert bad["tags.label_cardinality"] == 1  # i2 has three labels
    good, _ = _counts(project, MULTILABEL_ROWS, {"labels.csv": "item,annotator,tag\ni1,x,a\ni1,x,b\n"})
    assert good["tags.no_repeated_label"] == good["tags.label_cardinality"] == 0


SPANS = """
spec s
taxonomy Entity { PER ORG }
table documents { doc_id string key  text string }
table spans { doc_id string  annotator string  start int  end int  label Entity  span_text string }
task ner: spans on spans {
  unit doc_id  annotator annotator  span start..end  label label  text documents.text  span_text span_text
}
"""

DOCUMENTS = "doc_id,text\nd1,Ada Lovelace met Babbage.\nd2,IBM   hired Ada.\n"


def test_span_checks(project):
    spans = (
        "doc_id,annotator,start,end,label,span_text\n"
        "d1,x,0,12,PER,Ada Lovelace\n"        # fine
        "d1,x,4,20,PER,Lovelace met Babb\n"   # overlaps the first (4 < 12); text differs (slice is 'Lovelace met Bab')
        "d1,x,17,30,PER,Babbage.\n"           # end 30 > length 25; text differs
        "d2,x,3,6,ORG,   \n"                  # only spaces
        "d2,y,5,3,ORG,x\n"                    # end before start
        "d2,y,0,3,ORG,IBM\n"                  # fine
        "d2,y,6,11,ORG,hires\n"               # the text says 'hired'
    )
    bad, _ = _counts(project, SPANS, {"documents.csv": DOCUMENTS, "spans.csv": spans})
    assert bad["ner.span_bounds"] == 2
    assert bad["ner.span_not_empty"] == 1
    # (4,20) after (0,12); (17,30) also starts before 20, but lies outside its text, so only
    # span_bounds reports it
    assert bad["ner.span_overlap"] == 1
    # rows 2 and 'hires'; the out-of-bounds rows are span_bounds' business, and the three
    # spaces are exactly what the text holds there
    assert bad["ner.span_text_matches"] == 2
    good_spans = "doc_id,annotator,start,end,label,span_text\nd1,x,0,12,PER,Ada Lovelace\nd1,y,0,3,PER,Ada\nd1,x,17,24,PER,Babbage\n"
    good, _ = _counts(project, SPANS, {"documents.csv": DOCUMENTS, "spans.csv": good_spans})
    assert all(good[f"ner.{c}"] == 0 for c in ("span_bounds", "span_not_empty", "span_overlap", "span_text_matches"))


LENGTH_SPANS = """
spec s
taxonomy Entity { PER ORG }
table items { item_id string key  text_len int }
table spans { item_id string  annotator string  start int  end int  label Entity }
task ner: spans on spans {
  unit item_id  annotator annotator  span start..end  label label  text_length items.text_len
}
"""

# i1 is 20 characters long, i2 10; i3 has no item row
LENGTH_ITEMS = "item_id,text_len\ni1,20\ni2,10\n"
LENGTH_SPAN_ROWS = (
    "item_id,annotator,start,end,label\n"
    "i1,x,0,5,PER\n"     # fine
    "i1,x,3,25,PER\n"    # ends beyond 20: out of bounds, and not an overlap of (0,5)
    "i1,x,6,9,ORG\n"     # starts after 5: the out-of-bounds (3,25) does not count as earlier
    "i1,x,8,12,ORG\n"    # starts before 9: overlaps (6,9)
    "i2,x,-1,4,PER\n"    # starts before 0: out of bounds
    "i2,x,2,6,PER\n"     # fine: (-1,4) does not take part
    "i2,y,4,10,PER\n"    # fine: ends exactly at the length
    "i3,x,0,99,PER\n"    # no item row: no known length, so not out of bounds
)


def test_span_bounds_from_a_length_column_of_another_table(project):
    bad, result = _counts(project, LENGTH_SPANS, {"items.csv": LENGTH_ITEMS, "spans.csv": LENGTH_SPAN_ROWS})
    assert bad["ner.span_bounds"] == 2
    assert bad["ner.span_overlap"] == 1
    bounds = next(c for c in result.checks if c.id == "ner.span_bounds")
    assert bounds.message == "A span must lie inside its text: 0 <= start < end <= items.text_len"
    assert [(s["start"], s["end"], s["items.text_len"]) for s in bounds.samples] == [(3, 25, 20), (-1, 4, 10)]
    assert "ner.span_not_empty" not in bad and "ner.span_text_matches" not in bad


def test_span_bounds_from_a_length_column_of_its_own_table(project):
    spec = LENGTH_SPANS.replace("table items { item_id string key  text_len int }\n", "").replace(
        "label Entity }", "label Entity  text_len int }").replace("items.text_len", "text_len")
    rows = "item_id,annotator,start,end,label,text_len\ni1,x,0,5,PER,20\ni1,x,3,25,PER,20\ni1,x,4,9,ORG,20\n"
    bad, _ = _counts(project, spec, {"spans.csv": rows})
    assert (bad["ner.span_bounds"], bad["ner.span_overlap"]) == (1, 1)  # (3,25); (4,9) after (0,5)


def test_span_overlap_counts_only_spans_inside_their_bound(project):
    """The two figures docs/language.md shows: without a bound only start < 0 and end <=
    start make a span out of bounds, so (3,25) takes part and overlaps twice more."""
    without = LENGTH_SPANS.replace("  text_length items.text_len", "")
    bad, _ = _counts(project, without, {"items.csv": LENGTH_ITEMS, "spans.csv": LENGTH_SPAN_ROWS})
    assert (bad["ner.span_bounds"], bad["ner.span_overlap"]) == (1, 3)


def test_span_overlap_allowed_and_switched_off(project):
    spec = SPANS.replace("span_text span_text\n}", "span_text span_text\n  allow overlap\n  check span_bounds warn\n}")
    spans = "doc_id,annotator,start,end,label,span_text\nd1,x,0,12,PER,Ada Lovelace\nd1,x,4,12,PER,Lovelace\nd1,x,-1,3,PER,Ada\n"
    counted, result = _counts(project, spec, {"documents.csv": DOCUMENTS, "spans.csv": spans})
    assert "ner.span_overlap" not in counted
    bounds = next(c for c in result.checks if c.id == "ner.span_bounds")
    assert (bounds.violations, bounds.severity, bounds.status) == (1, "warn", "warned")


TOKENS = """
spec t
table tokens { sentence int  annotator string  position int  token string  tag string }
task bio: tokens on tokens { unit sentence  annotator annotator  token token  tag tag  position position }
"""


def test_bio_sequence(project):
    rows = ("sentence,annotator,position,token,tag\n"
            "1,x,1,Ada,B-PER\n1,x,2,Lovelace,I-PER\n1,x,3,met,O\n1,x,4,IBM,I-ORG\n"   # I-ORG after O
            "2,x,1,Paris,B-LOC\n2,x,2,France,I-PER\n2,x,3,!,X\n")                      # I-PER after B-LOC; bad tag X
    bad, _ = _counts(project, TOKENS, {"tokens.csv": rows})
    assert bad["bio.bio_sequence"] == 3
    good, _ = _counts(project, TOKENS, {"tokens.csv": "sentence,annotator,position,token,tag\n1,x,2,Lovelace,I-PER\n1,x,1,Ada,B-PER\n"})
    assert good["bio.bio_sequence"] == 0


RATING = """
spec r
table ratings { item string  annotator string  score float }
task quality: rating on ratings { unit item  annotator annotator  rating score  scale 1..7 step 0.5 }
"""


def test_rating_scale(project):
    bad, _ = _counts(project, RATING, {"ratings.csv": "item,annotator,score\ni,a,0\ni,b,7.5\ni,c,3.25\ni,d,6.5\n"})
    assert bad["quality.rating_scale"] == 3
    good, _ = _counts(project, RATING, {"ratings.csv": "item,annotator,score\ni,a,1\ni,b,7\ni,c,3.5\n"})
    assert good["quality.rating_scale"] == 0


TEXT = """
spec t
table pairs { id string  annotator string  prompt string  response string }
task sft: text on pairs { unit id  annotator annotator  prompt prompt  response response }
"""


def test_text_checks(project):
    rows = [
        {"id": "1", "annotator": "a", "prompt": "Why is the sky blue?", "response": "Rayleigh scattering."},
        {"id": "2", "annotator": "a", "prompt": "why is the SKY blue", "response": "Mail me at jo@example.com"},
        {"id": "3", "annotator": "a", "prompt": "Name a prime.", "response": "  "},
        {"id": "4", "annotator": "a", "prompt": "Say hi", "response": "say hi!"},
        {"id": "5", "annotator": "a", "prompt": "Call?", "response": "Call +1 (555) 013-2297 now"},
        {"id": "6", "annotator": "a", "prompt": "Help", "response": "As an AI language model, I cannot."},
        {"id": "7", "annotator": "a", "prompt": "Other", "response": "rayleigh   SCATTERING"},
    ]
    bad, result = _counts(project, TEXT, {"pairs.jsonl": "\n".join(json.dumps(r) for r in rows) + "\n"})
    assert bad["sft.text_not_empty"] == 1  # 3
    assert bad["sft.response_not_prompt"] == 1  # 4
    assert bad["sft.response_pii"] == 2  # 2 (e-mail), 5 (phone)
    assert bad["sft.refusal_phrase"] == 1  # 6
    assert bad["sft.duplicate_prompt"] == 2  # 1 and 2
    assert bad["sft.duplicate_response"] == 2  # 1 and 7
    assert next(c for c in result.checks if c.id == "sft.refusal_phrase").severity == "warn"
    good_rows = [{"id": "1", "annotator": "a", "prompt": "Why is the sky blue?", "response": "Rayleigh scattering."}]
    good, _ = _counts(project, TEXT, {"pairs.jsonl": json.dumps(good_rows[0]) + "\n"})
    assert not any(v for k, v in good.items() if k.startswith("sft."))


RANKING = """
spec r
record Response { id string  text string }
table rankings { prompt_id string  annotator string  responses list of Response  ranking list of string }
task rank: ranking on rankings { unit prompt_id  annotator annotator  responses responses  ranking ranking }
"""


def _ranking_row(ranking):
    shown = [{"id": i, "text": f"response {i}"} for i in ("a", "b", "c", "d")]
    return json.dumps({"prompt_id": "p", "annotator": "x", "responses": shown, "ranking": ranking})


def test_ranking_permutation(project):
    rows = [_ranking_row(["b", "a", "d", "c"]), _ranking_row(["a", "b", "c"]), _ranking_row(["a", "a", "b", "c"]),
            _ranking_row(["a", "b", "c", "e"])]
    bad, _ = _counts(project, RANKING, {"rankings.jsonl": "\n".join(rows) + "\n"})
    assert bad["rank.ranking_permutation"] == 3
    good, _ = _counts(project, RANKING, {"rankings.jsonl": rows[0] + "\n"})
    assert good["rank.ranking_permutation"] == 0


PREFERENCE = """
spec p
table preferences { prompt_id string  annotator string  shown list of string  chosen string  rejected string  tie bool }
task prefer: preference on preferences {
  unit prompt_id  annotator annotator  responses shown  chosen chosen  rejected rejected  tie tie
}
"""


def test_preference_checks(project):
    rows = ("prompt_id,annotator,shown,chosen,rejected,tie\n"
            "p1,x,\"[a, b]\",a,b,false\n"
            "p2,x,\"[a, b]\",a,a,false\n"      # chosen = rejected
            "p3,x,\"[a, b]\",a,c,false\n"      # c was not shown
            "p4,x,\"[a, b]\",a,b,true\n")      # a tie, not allowed
    bad, _ = _counts(project, PREFERENCE, {"preferences.csv": rows})
    assert bad["prefer.chosen_differs"] == 1
    assert bad["prefer.chosen_among_shown"] == 1
    assert bad["prefer.tie_allowed"] == 1
    allowed, _ = _counts(project, PREFERENCE.replace("tie tie\n}", "tie tie\n  allow ties\n}"),
                         {"preferences.csv": rows})
    assert "prefer.tie_allowed" not in allowed
    good, _ = _counts(project, PREFERENCE, {"preferences.csv": "prompt_id,annotator,shown,chosen,rejected,tie\np1,x,\"[a, b]\",b,a,false\n"})
    assert not any(v for k, v in good.items() if k.startswith("prefer."))


def test_position_bias_metric_per_annotator(project):
    spec = PREFERENCE.replace("tie tie\n}", "tie tie\n  allow ties\n}") + (
        "metric bias \"First-shown bias\": position_bias on prefer per annotator warn above 0.7\n")
    rows = ("prompt_id,annotator,shown,chosen,rejected,tie\n"
            "p1,x,\"[a, b]\",a,b,false\n"
            "p2,x,\"[c, d]\",c,d,false\n"
            "p3,x,\"[e, f]\",e,f,false\n"
            "p4,x,\"[g, h]\",g,h,true\n"     # ties do not count
            "p1,y,\"[a, b]\",b,a,false\n"
            "p2,y,\"[c, d]\",c,d,false\n")
    spec_path, data = project(spec, {"preferences.csv": rows})
    result, _ = run_spec(spec_path, data)
    bias = next(c for c in result.checks if c.id == "bias")
    assert bias.value == pytest.approx(4 / 5)  # x chose first 3 of 3, y 1 of 2
    assert bias.status == "warned"
    assert [(a["coder"], a["value"]) for a in bias.details["per_annotator"]] == [("x", 1.0), ("y", 0.5)]


TEXT_BOUNDS = TEXT.replace("response response }", """response response
  length response 10..40
  words response 2..5
  words prompt >= 2
}""")


def test_text_length_and_word_bounds(project):
    rows = [
        {"id": "1", "annotator": "a", "prompt": "Why is the sky blue?", "response": "Rayleigh scattering of light."},
        {"id": "2", "annotator": "a", "prompt": "Hi", "response": "Hello there"},            # prompt: 1 word
        {"id": "3", "annotator": "a", "prompt": "Name two primes.", "response": "Two and three are both prime numbers indeed."},  # 44 chars, 8 words
        {"id": "4", "annotator": "a", "prompt": "Say a word.", "response": "Okay."},        # 5 chars, 1 word
    ]
    bad, result = _counts(project, TEXT_BOUNDS, {"pairs.jsonl": "\n".join(json.dumps(r) for r in rows) + "\n"})
    assert bad["sft.response_length"] == 2  # rows 3 and 4
    assert bad["sft.response_words"] == 2  # rows 3 and 4
    assert bad["sft.prompt_words"] == 1  # row 2
    check = next(c for c in result.checks if c.id == "sft.response_words")
    assert check.message == "The response must have 2 to 5 words"
    good, _ = _counts(project, TEXT_BOUNDS, {"pairs.jsonl": json.dumps(rows[0]) + "\n"})
    assert good["sft.response_length"] == good["sft.response_words"] == good["sft.prompt_words"] == 0


def test_text_bounds_are_checked_by_the_resolver(project):
    from specc.resolve import resolve_file

    spec = TEXT.replace("response response }", "response response\n  words answer <= 5\n  length unit 1..3\n  check prompt_words off\n}")
    spec_path, _ = project(spec.replace("id string", "id int"), {})
    _, diagnostics, _ = resolve_file(spec_path)
    assert [(d.code, d.span.line) for d in diagnostics] == [("E302", 5), ("E206", 6), ("E308", 7)]

"""What each task kind is: the roles it binds to columns, its options and its built-in checks.

The resolver validates `task` declarations against this table and the planner switches the
built-in checks on from it, so a new task kind is a new entry here plus its check module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskKind:
    name: str
    required_roles: tuple[str, ...]
    optional_roles: tuple[str, ...]
    options: tuple[str, ...]  # words accepted after `allow`
    checks: tuple[str, ...]  # built-in checks the kind switches on

    @property
    def roles(self) -> tuple[str, ...]:
        return self.required_roles + self.optional_roles


# Roles any task may name: who did the work, for whom, and how long it took.
COMMON_ROLES = ("unit", "annotator", "vendor", "seconds")

TASK_KINDS: dict[str, TaskKind] = {
    kind.name: kind
    for kind in (
        TaskKind("classification", ("unit", "annotator", "label"), (), (), ("single_label",)),
        TaskKind("multilabel", ("unit", "annotator", "label"), (), (),
                 ("no_repeated_label", "label_cardinality")),
        TaskKind("spans", ("unit", "annotator", "span", "label"), ("text", "text_length", "span_text"), ("overlap",),
                 ("span_bounds", "span_not_empty", "span_overlap", "span_text_matches")),
        TaskKind("tokens", ("unit", "annotator", "token", "tag"), ("position",), (), ("bio_sequence",)),
        TaskKind("rating", ("unit", "annotator", "rating"), (), (), ("rating_scale",)),
        TaskKind("text", ("prompt", "response"), (), (),
                 ("text_not_empty", "response_not_prompt", "response_pii", "refusal_phrase",
                  "duplicate_prompt", "duplicate_response")),
        TaskKind("ranking", ("unit", "annotator", "responses", "ranking"), (), ("ties",),
                 ("ranking_permutation",)),
        TaskKind("preference", ("unit", "annotator", "chosen", "rejected"), ("responses", "tie", "shown_first"),
                 ("ties",), ("chosen_differs", "chosen_among_shown", "tie_allowed")),
    )
}


def roles_for(kind: TaskKind) -> tuple[str, ...]:
    return tuple(dict.fromkeys(kind.roles + COMMON_ROLES))

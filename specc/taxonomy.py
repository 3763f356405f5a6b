"""Label taxonomies as trees the rest of specc can query (a YAML taxonomy file is read by
`specc.taxonomy_yaml` into the same `ast.Taxonomy` an inline declaration gives)."""

from __future__ import annotations

from dataclasses import dataclass

from . import ast
from .diagnostics import Diagnostic, error


@dataclass(frozen=True)
class LabelNode:
    label: ast.Label
    path: tuple[str, ...]  # codes from the root down to this label, inclusive
    children: tuple[str, ...]

    @property
    def code(self) -> str:
        return self.label.code.text

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def parent(self) -> str | None:
        return self.path[-2] if len(self.path) > 1 else None


@dataclass(frozen=True)
class LabelTree:
    taxonomy: ast.Taxonomy
    nodes: dict[str, LabelNode]  # code -> node, in declaration (depth-first) order

    @property
    def name(self) -> str:
        return self.taxonomy.name.text

    def codes(self) -> list[str]:
        return list(self.nodes)

    def leaves(self) -> list[str]:
        return [code for code, node in self.nodes.items() if node.is_leaf]

    def subtree(self, code: str) -> list[str]:
        """The label and all its descendants."""
        return [c for c, node in self.nodes.items() if code in node.path]

    def allowed(self, selection: ast.TypeRef) -> list[str]:
        if isinstance(selection, ast.LeavesType):
            return self.leaves()
        if isinstance(selection, ast.SubtreeType):
            return self.subtree(selection.code)
        return self.codes()


def build_tree(taxonomy: ast.Taxonomy) -> tuple[LabelTree, list[Diagnostic]]:
    nodes: dict[str, LabelNode] = {}
    problems: list[Diagnostic] = []

    def visit(label: ast.Label, parents: tuple[str, ...]) -> None:
        code = label.code.text
        if code in nodes:
            problems.append(error(
                "E106", label.code.span,
                f"label `{code}` is declared twice in taxonomy `{taxonomy.name.text}`",
                f"first declared at {nodes[code].label.code.span}",
            ))
            return
        children = tuple(child.code.text for child in label.children)
        nodes[code] = LabelNode(label, parents + (code,), children)
        for child in label.children:
            visit(child, parents + (code,))

    for label in taxonomy.labels:
        visit(label, ())
    return LabelTree(taxonomy, nodes), problems


# ---- YAML ---------------------------------------------------------------------------------

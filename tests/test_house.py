"""The house rules of the code itself: no function too tangled to read or test."""

from __future__ import annotations

import ast

import mccabe

from conftest import ROOT

MAX_COMPLEXITY = 20


def test_no_function_is_more_complex_than_twenty():
    tangled = []
    for path in sorted((ROOT / "kpoctl").rglob("*.py")):
        tree = compile(path.read_text(encoding="utf-8"), str(path), "exec", ast.PyCF_ONLY_AST)
        visitor = mccabe.PathGraphingAstVisitor()
        visitor.preorder(tree, visitor)
        tangled += [f"{path.relative_to(ROOT)}:{graph.lineno} {graph.entity} ({graph.complexity()})"
                    for graph in visitor.graphs.values() if graph.complexity() > MAX_COMPLEXITY]
    assert tangled == []

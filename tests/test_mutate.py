"""The mutation tool (tools/mutate.py): each mutant changes one thing, never a rule's
metadata, a docstring or a message, and compiles."""

from __future__ import annotations

import ast
import importlib.util
import sys

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("mutate", ROOT / "tools" / "mutate.py")
mutate = importlib.util.module_from_spec(_spec)
sys.modules["mutate"] = mutate
_spec.loader.exec_module(mutate)

SOURCE = '''
"""Module docstring with 2 numbers: 3 < 4."""


@rule("KP999", "demo", E, "summary", bad="x < 1", good="x >= 1", limit=3)
def check(values, limit=2):
    """Docstring: not mutated."""
    for v in values:
        if not v:
            continue
        if v < limit and v != 0:
            yield f"value {v} under {limit + 1}"
    return min(values) + 1
'''


def _descriptions(source: str) -> list[str]:
    return [m.description for m in mutate.mutants_of("demo.py", source)]


def test_each_operator_number_and_branch_gives_one_mutant():
    assert _descriptions(SOURCE) == [
        "2 -> 3",
        "'not' removed",
        "continue -> break",
        "and -> or", "and: operand 1 dropped", "and: operand 2 dropped",
        "< -> <=", "!= -> ==", "0 -> 1",
        "+ -> -", "min -> max", "1 -> 2",
    ]


def test_mutants_compile_and_change_exactly_one_thing():
    original = ast.dump(ast.parse(SOURCE))
    for mutant in mutate.mutants_of("demo.py", SOURCE):
        compile(mutant.source, "demo.py", "exec")
        assert ast.dump(ast.parse(mutant.source)) != original, mutant.label
    dropped = next(m for m in mutate.mutants_of("demo.py", SOURCE) if m.description == "and: operand 1 dropped")
    assert "if v != 0:" in dropped.source
    assert '@rule("KP999", "demo", E, "summary", bad="x < 1", good="x >= 1", limit=3)'.replace('"', "'") in \
        dropped.source


def test_every_module_the_tool_mutates_exists_and_has_tests():
    for modules in mutate.GROUPS.values():
        for module, tests in modules.items():
            assert (ROOT / "kpoctl" / module).is_file(), module
            assert tests and all((ROOT / t).is_file() for t in tests), module
            tree = ast.parse((ROOT / "kpoctl" / module).read_text())
            assert any(mutate._mutations(node) for node in ast.walk(tree)), module

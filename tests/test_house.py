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


# The pipeline, in order: a module may import its own layer and the ones before it, never a
# later one (so `read` cannot reach for a rule, nor a rule for a reporter).
LAYERS = ["common", "model", "read", "graph", "rules", "pipeline", "output", "commands"]
FREE = {"kpoctl", "kpoctl.bench"}  # the version, and the generator of benchmark scorecards: import nothing


def _layer(module: str) -> int | None:
    if module in FREE or module.startswith("kpoctl.bench."):
        return -1
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def _kpoctl_imports(path) -> list[str]:
    """Every kpoctl module `path` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kpoctl":
            if node.module != "kpoctl":
                found.append(node.module)
            else:  # `from kpoctl import __version__` is the root; `from kpoctl import rules` a layer
                found += [f"kpoctl.{a.name}" if a.name in (*LAYERS, "bench") else "kpoctl" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "kpoctl"]
    return found


def _module_of(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_module_sits_in_a_layer_of_the_pipeline():
    strays = [_module_of(p) for p in (ROOT / "kpoctl").rglob("*.py")
              if _module_of(p) not in ("kpoctl.__main__",) and _layer(_module_of(p)) is None]
    assert strays == []


def test_each_layer_imports_only_itself_and_the_layers_before_it():
    backwards = []
    for path in sorted((ROOT / "kpoctl").rglob("*.py")):
        module = _module_of(path)
        if module == "kpoctl.__main__":
            continue
        own = _layer(module)
        for imported in _kpoctl_imports(path):
            theirs = _layer(imported)
            if theirs is None or theirs > own:
                backwards.append(f"{module} imports {imported}")
    assert backwards == []


def test_the_layer_check_sees_a_backward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from kpoctl.output.reporters import text\n")
    assert [_layer(m) for m in _kpoctl_imports(bad)] == [LAYERS.index("output")]


_ENDS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _unreachable(source: str) -> list[int]:
    """The line of each statement that follows a return, raise, continue or break in the
    same block: code no run reaches (ruff has no such rule on by default)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                lines += [after.lineno for before, after in zip(block, block[1:]) if isinstance(before, _ENDS)]
    return sorted(lines)


def test_no_code_follows_a_return_in_its_block():
    found = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((ROOT / "kpoctl").rglob("*.py"))
             for line in _unreachable(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_unreachable_check_sees_code_after_a_return_a_raise_and_a_continue():
    source = ("def f(x):\n    for y in x:\n        continue\n        print(y)\n    if x:\n        raise ValueError\n"
              "        x = 1\n    return x\n    x += 1\n")
    assert _unreachable(source) == [4, 7, 9]

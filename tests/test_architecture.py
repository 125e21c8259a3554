"""The shape of the code, checked statically: faces use only the public API, no import cycles, small modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import qa
from tests.conftest import ROOT

pytestmark = pytest.mark.fast

MAX_LINES = 300
FACES = sorted([*ROOT.glob("qa/cli/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("qa/tools/*.py"),
                *ROOT.glob("qa/train/*.py")])
# These time the parts behind the API (raw encoder, dense/BM25 search, index writer) or train the reader's
# model (its tokenizer windows, the readings calibration fits): they may import public names of qa's
# sub-packages, never private ones. calibrate.py answers through qa.Answerer and reads qa.answering.reading.
INTERNAL_TOOLS = {"qa/tools/bench_tasks.py", "qa/tools/bench_synth.py", "qa/tools/bench_engine.py",
                  "qa/train/calibrate.py", "qa/train/data.py", "qa/train/evaluate.py", "qa/train/export.py",
                  "qa/train/loop.py"}
FACE_PACKAGES = ("qa.cli", "qa.tools", "qa.train", "ui")  # qa.train: the training commands, run on demand


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports(node: ast.AST) -> Iterator[tuple[str, list[str], int]]:
    """``(module, names, line)`` of every import statement under ``node`` (``names`` empty for ``import m``)."""
    for n in ast.walk(node):
        if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
            yield n.module, [a.name for a in n.names], n.lineno
        elif isinstance(n, ast.Import):
            for a in n.names:
                yield a.name, [], n.lineno


def face_violations(name: str, source: str) -> list[str]:
    """Imports and attribute uses in ``source`` (the module at ``name``) that reach past :data:`qa.__all__`."""
    public = set(qa.__all__) | {"__version__"}
    internal_tool = name in INTERNAL_TOOLS
    bad = []
    mod = ast.parse(source)
    for module, names, line in imports(mod):
        where = f"{name}:{line}"
        if module == "qa":
            bad += [f"{where}: qa.{n} is not in qa.__all__" for n in names if n not in public]
        elif module.startswith(FACE_PACKAGES) or module.split(".")[0] != "qa":
            continue
        elif not internal_tool:
            bad.append(f"{where}: imports {module}; use the names qa exports")
        else:
            bad += [f"{where}: private name {module}.{n}" for n in names if n.startswith("_")]
    for n in ast.walk(mod):
        where = f"{name}:{getattr(n, 'lineno', 0)}"
        if (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "qa"
                and n.attr not in public):
            bad.append(f"{where}: qa.{n.attr} is not in qa.__all__")
        if (isinstance(n, ast.Attribute) and n.attr.startswith("_") and not n.attr.startswith("__")
                and not (isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"))):
            bad.append(f"{where}: private attribute .{n.attr}")
        if isinstance(n, ast.Name) and n.id == "__import__":
            bad.append(f"{where}: __import__")
    for module, _, line in imports(mod):
        if module in ("importlib", "builtins") or module.startswith("importlib."):
            bad.append(f"{name}:{line}: importlib")
    return bad


@pytest.mark.parametrize("path", FACES, ids=rel)
def test_faces_use_only_the_public_api(path: Path) -> None:
    assert face_violations(rel(path), path.read_text(encoding="utf-8")) == []


def test_the_check_catches_reaching_past_the_api() -> None:
    sneaky = ("import importlib\nimport qa\nfrom qa import answer, open_index\n"
              "from qa.index.store import IndexStore\nfrom qa.tools.eval import evaluate\n"
              "def f(store):\n    qa.model.embed.encode([])\n    return store._query('x')\n"
              "m = __import__('qa.cli')\n")
    found = face_violations("qa/cli/sneaky.py", sneaky)
    assert len(found) == 5, found
    assert face_violations("qa/cli/fine.py", "import qa\nfrom qa import answer\nqa.answer('q')\n") == []
    tool = "from qa.index.store import IndexStore\nfrom qa.index.store import _digest\n"
    assert len(face_violations("qa/tools/bench_tasks.py", tool)) == 1
    assert any("imports qa.index.store" in f for f in found) and any("qa.model" in f for f in found)
    assert any("._query" in f for f in found) and any("__import__" in f for f in found)
    assert any("importlib" in f for f in found)


def test_public_names_exist_and_import_qa_stays_light() -> None:
    import subprocess
    import sys

    for name in qa.__all__:
        assert hasattr(qa, name), name
    code = ("import sys, qa; heavy = [m for m in ('torch', 'gradio', 'sentence_transformers', 'faiss', "
            "'onnxruntime', 'trafilatura') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def module_graph(paths: dict[str, Path] | None = None) -> dict[str, set[str]]:
    """Imports among the modules of qa and ui, at any depth (a function-level import is an edge too)."""
    if paths is None:
        paths = {module_name(p): p for p in [*ROOT.glob("qa/**/*.py"), *ROOT.glob("ui/*.py")]}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        edges = set()
        for module, names, _ in imports(tree(path)):  # `from pkg import mod` is an edge to pkg.mod alone
            subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in paths]
            edges.update(subs if subs and len(subs) == len(names) else [module, *subs])
        graph[name] = edges - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles() -> None:
    graph = module_graph()
    assert "qa.cli.commands" in graph and "qa" in graph["qa.cli.options"]
    cycles = []
    while cycle := find_cycle(graph):  # all of them, not just the first
        cycles.append(" -> ".join(cycle))
        graph[cycle[-2]].discard(cycle[-1])
    assert cycles == []
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from b import helper\n")
    (tmp_path / "b.py").write_text("def helper():\n    from a import thing\n    return thing\n")
    graph = module_graph({"a": tmp_path / "a.py", "b": tmp_path / "b.py"})
    assert find_cycle(graph) == ["a", "b", "a"]


def test_nothing_imports_modules_by_name() -> None:
    for path in [*ROOT.glob("qa/**/*.py"), *ROOT.glob("ui/*.py")]:
        for n in ast.walk(tree(path)):
            if isinstance(n, ast.Name):
                assert n.id != "__import__", rel(path)
            if isinstance(n, ast.Attribute):
                assert n.attr != "import_module", rel(path)


@pytest.mark.parametrize("path", sorted([*ROOT.glob("qa/**/*.py"), *ROOT.glob("ui/*.py")]), ids=rel)
def test_no_module_over_300_lines(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{rel(path)} has {n} lines"

"""Only qa/model runs the model: no other module imports its frameworks, and the index never imports qa.model."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast
ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {"torch", "sentence_transformers", "transformers", "onnxruntime", "onnx", "tokenizers"}
MODEL_INTERNALS = {"qa.model.onnx_encoder", "qa.model.torch_encoder", "qa.model.onnx_export", "qa.model.packaged"}


def _imports(file: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _sources(*dirs: str) -> list[Path]:
    return [p for d in dirs for p in sorted((ROOT / d).rglob("*.py"))]


def test_only_qa_model_imports_the_model_frameworks() -> None:
    offenders = {}
    for file in _sources("qa", "ui"):
        if file.parent in (ROOT / "qa" / "model", ROOT / "qa" / "train"):  # running and training the models
            continue
        bad = {n for n in _imports(file) if n.split(".")[0] in FRAMEWORKS or n in MODEL_INTERNALS}
        if bad:
            offenders[str(file.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_index_does_not_depend_on_the_encoder() -> None:
    offenders = {str(f.relative_to(ROOT)): sorted(n for n in _imports(f) if n.startswith("qa.model"))
                 for f in _sources("qa/index")}
    assert {k: v for k, v in offenders.items() if v} == {}


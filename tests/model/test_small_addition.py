"""A small `qa add` embeds with ONNX (no torch load): a two-paragraph article in about a second, same vectors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import qa
from qa.ingest.segment import sentences
from qa.model import ModelEncoder
from qa.model.packaged import SMALL_ADDITION

ROOT = Path(__file__).resolve().parents[2]
STORY = """Harbour ferry fares to rise

The harbour ferry company said on Tuesday that fares will rise by ten percent from April, citing fuel costs.

Commuter groups said the rise was the third in two years and asked the council to step in.
"""


def test_small_additions_use_onnx_and_builds_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_BACKEND", raising=False)
    encoder = ModelEncoder()
    assert encoder.bulk_backend == "torch"
    assert encoder.passage_backend(2) == encoder.passage_backend(SMALL_ADDITION) == "onnx"
    assert encoder.passage_backend(SMALL_ADDITION + 1) == "torch"  # a build keeps the faster bulk backend
    assert ModelEncoder(query="onnx", bulk="torch").passage_backend(2) == "torch"  # chosen by hand: kept
    monkeypatch.setenv("QA_BACKEND", "torch")
    assert ModelEncoder().passage_backend(2) == "torch"


def test_onnx_passage_vectors_match_torch() -> None:
    texts = STORY.split("\n\n")[1:]
    spans = [sentences(t) for t in texts]
    onnx_vecs, onnx_sents = ModelEncoder(query="onnx", bulk="onnx").encode_passages(texts, spans, [0, 0])
    torch_vecs, torch_sents = ModelEncoder(query="torch", bulk="torch").encode_passages(texts, spans, [0, 0])
    assert np.abs(onnx_vecs - torch_vecs).max() < 1e-5
    assert all(np.abs(a - b).max() < 1e-5 for a, b in zip(onnx_sents, torch_sents, strict=True))


def test_qa_add_of_a_small_file_loads_no_torch(seed_corpus: Path, seed_index: Path, tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(seed_corpus, corpus)
    shutil.copytree(seed_index, index)
    story = tmp_path / "ferry.txt"
    story.write_text(STORY)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(ROOT)}
    env.pop("QA_BACKEND", None)
    code = ("import sys, qa.cli; rc = qa.cli.main(['add', " + repr(str(story)) + ", '--outlet', 'Harbour Herald', "
            f"'--corpus', {str(corpus)!r}, '--index', {str(index)!r}, '-q']); "
            "print('TORCH', rc, 'torch' in sys.modules)")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "TORCH 0 False", proc.stdout
    assert "embedded 2 new" in proc.stdout
    assert seconds < 10, seconds  # was 8-11 s loading torch alone; about 1.7 s here (README)
    result = qa.answer("How much will harbour ferry fares rise?", index=index)
    assert any("ten percent" in q.text for q in result.quotes)

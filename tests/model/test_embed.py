"""The ONNX encoding backend: same vectors as sentence-transformers, cached export, no torch at query time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.model import embed

ROOT = Path(__file__).resolve().parents[2]

TEXTS = [
    "Hello world",
    "",
    "   surrounded by spaces   ",
    "Short.",
    "What did the Guardian report about the election results in 2023?",
    "Ünïcödé naïve café — “curly quotes” and 日本語 text",
    "The quick brown fox jumps over the lazy dog. " * 120,  # far beyond 256 tokens: truncated
    *[f"paragraph {i} of a news article about markets and rates. " * (i * 3 + 1) for i in range(12)],
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh export cache for this module, exported once."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    old = os.environ.get("QA_ONNX_CACHE")
    os.environ["QA_ONNX_CACHE"] = str(cache)
    try:
        embed.export_onnx()
        yield cache
    finally:
        if old is None:
            os.environ.pop("QA_ONNX_CACHE", None)
        else:
            os.environ["QA_ONNX_CACHE"] = old


def test_onnx_matches_sentence_transformers(onnx_cache: Path) -> None:
    encoder = embed.OnnxEncoder(embed.model_path(), embed.onnx_model_file())
    got = encoder.encode(TEXTS, batch_size=5)
    want = embed.load_model().encode(TEXTS, batch_size=5, normalize_embeddings=True, convert_to_numpy=True)
    assert got.shape == want.shape == (len(TEXTS), embed.dimension())
    assert got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-4
    assert (got * want).sum(axis=1).min() > 0.9999
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_encode_backends_agree(onnx_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BACKEND", "onnx")
    assert embed.backend() == "onnx"
    onnx_vectors = embed.encode(TEXTS)
    monkeypatch.setenv("QA_BACKEND", "torch")
    assert embed.backend() == "torch"
    torch_vectors = embed.encode(TEXTS)
    assert np.abs(onnx_vectors - torch_vectors).max() < 1e-4
    assert embed.encode([]).shape == (0, embed.dimension())
    monkeypatch.setenv("QA_BACKEND", "tensorflow")
    with pytest.raises(ValueError, match="QA_BACKEND"):
        embed.backend()


def test_model_name_is_the_same_for_both_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BACKEND", "onnx")
    name = embed.model_name()
    monkeypatch.setenv("QA_BACKEND", "torch")
    assert embed.model_name() == name == "all-MiniLM-L6-v2"


def test_export_is_cached_and_reused(onnx_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = embed.onnx_model_file()
    assert file.is_file() and file.parent.parent == onnx_cache
    assert (file.parent / "meta.json").is_file()
    mtime = file.stat().st_mtime_ns

    def no_torch(*args, **kwargs):
        raise AssertionError("a cached export must not load the torch model again")

    monkeypatch.setattr(embed, "load_model", no_torch)
    assert embed.export_onnx() == file
    assert file.stat().st_mtime_ns == mtime
    # nothing but the finished export in the cache: no temporary directories left behind
    assert [p.name for p in onnx_cache.iterdir()] == [file.parent.name]


def test_failed_export_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setenv("QA_ONNX_CACHE", str(tmp_path))

    def crash(*args, **kwargs):
        (Path(args[2])).write_bytes(b"half an onnx file")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(torch.onnx, "export", crash)
    with pytest.raises(RuntimeError, match="mid-export"):
        embed.export_onnx()
    assert not embed.onnx_model_file().exists()
    assert list(tmp_path.iterdir()) == []


def test_cache_key_follows_the_model_files(tmp_path: Path) -> None:
    model = Path(embed.model_path())
    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("config.json", "tokenizer.json"):
        (copy / name).write_bytes((model / name).read_bytes())
    key = embed.export_key(str(copy))
    assert key != embed.export_key(str(model))  # another path
    (copy / "config.json").write_text((model / "config.json").read_text() + "\n")
    embed.export_key.cache_clear()
    assert embed.export_key(str(copy)) != key  # other content


def test_ask_does_not_import_torch(seed_index: Path, onnx_cache: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "QA_ONNX_CACHE": str(onnx_cache)}
    env.pop("QA_BACKEND", None)
    code = ("import sys, qa.cli; rc = qa.cli.main(['ask', 'What did the central bank decide?', '--index', "
            f"{str(seed_index)!r}]); heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers', "
            "'gradio', 'trafilatura') if m in sys.modules); print('HEAVY', rc, heavy)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY 0 []", proc.stdout[-3000:]

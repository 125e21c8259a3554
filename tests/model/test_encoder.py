"""The encoder object: ONNX and torch backends give the same vectors, cached export, one encoder per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.errors import ConfigError
from qa.ingest.segment import sentences
from qa.model import ModelEncoder, config, get_encoder, onnx_export, torch_encoder, use_encoder
from qa.model.encoder import Encoder
from qa.model.onnx_encoder import OnnxEncoder, load_onnx
from qa.model.quantize import QUERY_INT8_FILE, int8_query_graph
from qa.model.torch_encoder import TorchEncoder
from tests.fakes import FakeEncoder

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
TITLE = "Ukraine opens its National Guard to foreigners"
PARAS = ["Foreigners may now serve in the National Guard. The law was signed on Tuesday.",
         "  Kyiv said the change brings its rules in line with the army. Applicants need a visa.",
         "One. " + "The quick brown fox jumps over the lazy dog. " * 60]  # later sentences truncated


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh export cache for this module, exported once."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    old = os.environ.get("QA_ONNX_CACHE")
    os.environ["QA_ONNX_CACHE"] = str(cache)
    try:
        onnx_export.export_onnx()
        yield cache
    finally:
        if old is None:
            os.environ.pop("QA_ONNX_CACHE", None)
        else:
            os.environ["QA_ONNX_CACHE"] = old


@pytest.fixture(scope="module")
def backends(onnx_cache: Path) -> tuple[OnnxEncoder, TorchEncoder]:
    path = config.model_path()
    return OnnxEncoder(path, onnx_export.onnx_model_file(path)), TorchEncoder(path)


def _passages() -> tuple[list[str], list, list[int]]:
    texts = [f"{TITLE}\n{p}" for p in PARAS]
    return texts, [sentences(p) for p in PARAS], [len(TITLE) + 1] * len(texts)


def test_onnx_matches_torch(backends: tuple[OnnxEncoder, TorchEncoder]) -> None:
    onnx, torch = backends
    assert isinstance(onnx, Encoder) and isinstance(torch, Encoder)
    got, want = onnx.encode(TEXTS, batch_size=5), torch.encode(TEXTS, batch_size=5)
    assert got.shape == want.shape == (len(TEXTS), onnx.dimension) == (len(TEXTS), 384)
    assert got.dtype == want.dtype == np.float32
    assert np.abs(got - want).max() < 1e-5
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert onnx.describe() == {**torch.describe(), "backend": "onnx"}


def test_passage_and_sentence_vectors_agree_across_backends(backends: tuple[OnnxEncoder, TorchEncoder]) -> None:
    onnx, torch = backends
    texts, spans, shifts = _passages()
    o_vecs, o_sents = onnx.encode_passages(texts, spans, shifts, batch_size=2)
    t_vecs, t_sents = torch.encode_passages(texts, spans, shifts, batch_size=2)
    assert np.abs(o_vecs - t_vecs).max() < 1e-5
    # the passage vector is the model's own sentence embedding of the embedded text
    assert np.abs(t_vecs - torch.encode(texts)).max() < 1e-5
    assert [len(s) for s in t_sents] == [len(s) for s in spans] == [len(s) for s in o_sents]
    for o, t in zip(o_sents, t_sents, strict=True):
        assert np.abs(o - t).max() < 1e-5
        np.testing.assert_allclose(np.linalg.norm(t, axis=1), 1.0, atol=1e-5)
    assert float(t_sents[0][0] @ t_sents[0][1]) < 0.99  # distinct sentences, not copies of the passage
    assert np.array_equal(t_sents[2][-1], t_vecs[2])  # a sentence lost to truncation gets the passage vector


def test_process_encoder_uses_its_query_and_bulk_backends(onnx_cache: Path) -> None:
    encoder = ModelEncoder(query="onnx", bulk="torch")
    assert encoder.name == "all-MiniLM-L6-v2" and not encoder._backends  # nothing loaded yet
    vectors = encoder.encode(TEXTS[:4])
    assert set(encoder._backends) == {"onnx"}  # a question loads no torch
    assert encoder._backends["onnx"].query_graph == "int8"  # the default question graph
    assert encoder.describe()["backend"] == "torch" and set(encoder._backends) == {"onnx"}
    texts, spans, shifts = _passages()
    passages, _ = encoder.encode_passages(texts, spans, shifts)
    assert set(encoder._backends) == {"onnx", "torch"}
    torch_backend = encoder._backends["torch"]
    assert np.abs(passages - torch_backend.encode(texts)).max() < 1e-5  # passages: the fp32 model
    assert np.sum(passages * encoder.encode(texts), axis=1).min() > 0.97  # the same texts as questions: int8
    assert np.sum(vectors * torch_backend.encode(TEXTS[:4]), axis=1).min() > 0.97
    assert encoder.encode([]).shape == (0, 384)
    desc = encoder.describe()
    assert desc["dimension"] == 384 and desc["model_path"] == config.model_path()
    assert desc["tokenizer"]["max_seq_length"] == 256 and len(desc["tokenizer"]["sha256"]) == 64
    assert desc["tokenizer"]["do_lower_case"] is False


def test_backend_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BACKEND", "torch")
    encoder = ModelEncoder()
    assert encoder.query_backend == encoder.bulk_backend == "torch"
    monkeypatch.delenv("QA_BACKEND")
    assert ModelEncoder(query="onnx").bulk_backend == "torch"  # builds: torch when installed
    monkeypatch.setenv("QA_BACKEND", "tensorflow")
    with pytest.raises(ConfigError, match="QA_BACKEND='tensorflow': choose from onnx, torch"):
        ModelEncoder()
    with pytest.raises(ConfigError, match="unknown backend 'jax'"):
        ModelEncoder(query="onnx", bulk="jax")
    assert ModelEncoder(query="onnx", bulk="onnx").bulk_backend == "onnx"  # explicit: $QA_BACKEND unread


def test_one_encoder_per_process() -> None:
    first = get_encoder()
    assert get_encoder() is first and isinstance(first, ModelEncoder)
    fake = FakeEncoder()
    with use_encoder(fake) as used:
        assert used is fake and get_encoder() is fake
    assert get_encoder() is first


def test_model_name_is_the_same_for_both_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BACKEND", "onnx")
    name = ModelEncoder().name
    monkeypatch.setenv("QA_BACKEND", "torch")
    assert ModelEncoder().name == name == config.model_name() == "all-MiniLM-L6-v2"


def test_export_is_cached_and_reused(onnx_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = onnx_export.onnx_model_file()
    assert file.is_file() and file.parent.parent == onnx_cache
    assert (file.parent / "meta.json").is_file()
    mtime = file.stat().st_mtime_ns

    def no_torch(*args, **kwargs):
        raise AssertionError("a cached export must not load the torch model again")

    monkeypatch.setattr(torch_encoder, "load_model", no_torch)
    assert onnx_export.export_onnx() == file
    assert file.stat().st_mtime_ns == mtime
    # nothing but the finished export in the cache: no temporary directories left behind
    assert [p.name for p in onnx_cache.iterdir()] == [file.parent.name]


def test_questions_use_the_pooled_graph_and_passages_the_one_with_token_vectors(
        backends: tuple[OnnxEncoder, TorchEncoder]) -> None:
    onnx, _ = backends
    assert [o.name for o in onnx.session.get_outputs()] == ["sentence_embedding"]
    import onnxruntime as ort

    tokens = ort.InferenceSession(str(onnx_export.onnx_model_file().parent / "tokens.onnx"),
                                  providers=["CPUExecutionProvider"])
    assert [o.name for o in tokens.get_outputs()] == ["sentence_embedding", "token_embeddings"]


def test_failed_export_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setenv("QA_ONNX_CACHE", str(tmp_path))

    def crash(*args, **kwargs):
        (Path(args[2])).write_bytes(b"half an onnx file")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(torch.onnx, "export", crash)
    with pytest.raises(RuntimeError, match="mid-export"):
        onnx_export.export_onnx()
    assert not onnx_export.onnx_model_file().exists()
    assert list(tmp_path.iterdir()) == []


def test_cache_key_follows_the_model_files(tmp_path: Path) -> None:
    model = Path(config.model_path())
    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("config.json", "tokenizer.json"):
        (copy / name).write_bytes((model / name).read_bytes())
    key = onnx_export.export_key(str(copy))
    assert key != onnx_export.export_key(str(model))  # another path
    (copy / "config.json").write_text((model / "config.json").read_text() + "\n")
    onnx_export.export_key.cache_clear()
    assert onnx_export.export_key(str(copy)) != key  # other content


def test_ask_does_not_import_torch(seed_index: Path, onnx_cache: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "QA_ONNX_CACHE": str(onnx_cache),
           "PYTHONPATH": str(ROOT)}
    env.pop("QA_BACKEND", None)
    code = ("import sys, qa.cli; rc = qa.cli.main(['ask', 'What did the central bank decide?', '--index', "
            f"{str(seed_index)!r}]); heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers', "
            "'gradio', 'trafilatura') if m in sys.modules); print('HEAVY', rc, heavy)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY 0 []", proc.stdout[-3000:]


def test_questions_use_an_int8_graph_that_ranks_like_the_fp32_one(onnx_cache: Path) -> None:
    path, fp32 = config.model_path(), onnx_export.onnx_model_file()
    int8 = int8_query_graph(fp32)
    assert int8 == fp32.parent / QUERY_INT8_FILE and int8.stat().st_size < fp32.stat().st_size / 3
    assert sorted(p.name for p in fp32.parent.iterdir()) == ["meta.json", "model.onnx", QUERY_INT8_FILE,
                                                             "tokens.onnx"]  # no temporary file left
    mtime = int8.stat().st_mtime_ns
    assert int8_query_graph(fp32) == int8 and int8.stat().st_mtime_ns == mtime  # made once
    quick, exact = OnnxEncoder(path, fp32, int8), OnnxEncoder(path, fp32)
    assert (quick.query_graph, exact.query_graph) == ("int8", "fp32")
    questions = ["Who may now serve in the National Guard?", "When was the law signed?",
                 "What do applicants need?", "Which rules does the change align with?"]
    got, want = quick.encode(questions), exact.encode(questions)
    assert got.shape == want.shape and np.sum(got * want, axis=1).min() > 0.97
    texts, spans, shifts = _passages()
    passages, _ = exact.encode_passages(texts, spans, shifts)
    assert list(np.argmax(got @ passages.T, axis=1)) == list(np.argmax(want @ passages.T, axis=1))


def test_making_the_int8_graph_imports_no_torch(onnx_cache: Path, tmp_path: Path) -> None:
    (tmp_path / "model.onnx").symlink_to(onnx_export.onnx_model_file())
    code = ("import sys; from pathlib import Path; from qa.model.quantize import int8_query_graph; "
            f"made = int8_query_graph(Path({str(tmp_path / 'model.onnx')!r})); "
            "print('MADE', made.name, 'torch' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.strip().splitlines()[-1] == f"MADE {QUERY_INT8_FILE} False", proc.stderr[-3000:]


def test_a_failed_int8_graph_leaves_nothing_and_questions_fall_back_to_fp32(
        onnx_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import onnxruntime.quantization as quantization

    (tmp_path / "model.onnx").symlink_to(onnx_export.onnx_model_file())

    def crash(*args, **kwargs):
        Path(args[1]).write_bytes(b"half a graph")
        raise RuntimeError("killed mid-quantisation")

    monkeypatch.setattr(quantization, "quantize_dynamic", crash)
    with pytest.raises(RuntimeError, match="mid-quantisation"):
        int8_query_graph(tmp_path / "model.onnx")
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]

    def unavailable(*args, **kwargs):
        raise OSError("read-only cache")

    monkeypatch.setattr("qa.model.onnx_encoder.int8_query_graph", unavailable)
    load_onnx.cache_clear()
    try:
        assert load_onnx().query_graph == "fp32"
        assert "questions use the fp32 graph" in caplog.text
    finally:
        load_onnx.cache_clear()


def test_query_graph_choice() -> None:
    from qa.config import Config

    assert config.query_graph(Config.from_env({})) == "int8"
    assert config.query_graph(Config.from_env({"QA_QUERY_GRAPH": " FP32 "})) == "fp32"
    with pytest.raises(ConfigError, match="QA_QUERY_GRAPH='int4': choose from int8, fp32"):
        config.query_graph(Config.from_env({"QA_QUERY_GRAPH": "int4"}))

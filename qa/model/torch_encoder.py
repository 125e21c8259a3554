"""The torch backend: sentence-transformers itself (the fastest for bulk encoding on a few cores).

Only this module and :mod:`qa.model.onnx_export` import torch or sentence-transformers. Callers go
through :func:`qa.model.get_encoder`, whose encoder owns the lock around the model.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

import qa.model.config as config
from qa.config import library_defaults
from qa.model.pooling import normalize, passage_sentences
from qa.types import Span

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["TorchEncoder", "load_model"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> SentenceTransformer:
    """Load the sentence-transformers model once per process, offline, on the CPU."""
    library_defaults("huggingface")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # only cosmetic
        pass
    path = path or config.model_path()
    log.info("loading embedding model from %s", path)
    return SentenceTransformer(path, device="cpu", local_files_only=True)


class TorchEncoder:
    """A sentence-transformers model; implements :class:`qa.model.encoder.Encoder` (without locking).

    Attributes:
        name: The model's short name.
        dimension: Length of each vector.
        max_seq_length: Tokens seen per text.
        backend: ``"torch"``.
    """

    backend = "torch"

    def __init__(self, path: str | None = None) -> None:
        self.path = path or config.model_path()
        self.model = load_model(self.path)
        self.name = config.model_name(self.path)
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dimension = int(getter())
        self.max_seq_length = int(self.model.max_seq_length)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit vector per text, ``(len(texts), dimension)`` float32."""
        if not len(texts):
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_passages(self, texts: Sequence[str], spans: Sequence[Sequence[Span]], shifts: Sequence[int],
                        batch_size: int = 64) -> tuple[np.ndarray, list[np.ndarray]]:
        """See :meth:`qa.model.encoder.Encoder.encode_passages`; ``batch_size`` texts per model call."""
        import torch

        passages = np.zeros((len(texts), self.dimension), dtype=np.float32)
        sentence_vecs: list[np.ndarray] = []
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start:start + batch_size])
            stripped = [t.strip() for t in batch]  # as sentence-transformers tokenizes
            leads = [len(t) - len(t.lstrip()) for t in batch]
            enc = self.model.tokenizer(stripped, padding=True, truncation="longest_first",
                                       max_length=self.max_seq_length, return_tensors="pt",
                                       return_offsets_mapping=True)
            offsets = enc.pop("offset_mapping").numpy()
            with torch.inference_mode():
                out = self.model(dict(enc))
            tokens = out["token_embeddings"].float().numpy()
            pooled = normalize(out["sentence_embedding"].float().numpy())
            mask = enc["attention_mask"].numpy()
            for j in range(len(batch)):
                i = start + j
                passages[i] = pooled[j]
                sentence_vecs.append(passage_sentences(tokens[j], offsets[j], mask[j], pooled[j], spans[i],
                                                       shifts[i] - leads[j]))
        return passages, sentence_vecs

    def describe(self) -> dict:
        """Model, tokenizer settings and backend, for the index manifest."""
        return config.describe(self.path, self.dimension, self.max_seq_length, self.backend)

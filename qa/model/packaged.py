"""The configured model as one :class:`~qa.model.encoder.Encoder`: two backends behind one lock.

Questions are encoded by the *query* backend and index builds by the *bulk* backend. With
``$QA_BACKEND`` unset, queries use ONNX (when usable: no torch import, fast cold start) and builds use
torch when installed (sentence-transformers encoded ~500 MultiHop paragraphs at 42/s vs 32/s for the
fp32 ONNX graph on 2 shared cores); else both use the one available. Both give the same vectors (max abs
difference ~2e-7), so the backend never decides whether an index is valid. Each backend loads on first
use; both run under this object's lock (a model call already uses every core: concurrent ones thrash).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

import qa.model.config as config
from qa.errors import ConfigError
from qa.types import Span

if TYPE_CHECKING:
    from qa.model.onnx_encoder import OnnxEncoder
    from qa.model.torch_encoder import TorchEncoder

    Backend = OnnxEncoder | TorchEncoder

__all__ = ["SMALL_ADDITION", "ModelEncoder"]

SMALL_ADDITION = 32  # at most this many passages (a `qa add` of an article or two) embed with ONNX


class ModelEncoder:
    """The sentence-transformers model of ``$QA_MODEL`` (or the packaged one); implements ``Encoder``.

    Args:
        path: Model directory (default :func:`qa.model.config.model_path`).
        query: Backend for :meth:`encode` (default: ``$QA_BACKEND``, else ONNX when usable, else torch).
        bulk: Backend for :meth:`encode_passages` (default: ``$QA_BACKEND``, else torch when installed,
            else the query backend).

    Raises:
        ConfigError: ``$QA_MODEL`` or ``$QA_BACKEND`` (or ``query``/``bulk``) name something unusable.
    """

    def __init__(self, path: str | None = None, *, query: str | None = None, bulk: str | None = None) -> None:
        self.path = path or config.model_path()
        self.name = config.model_name(self.path)
        for given in (query, bulk):
            if given is not None and given not in config.BACKENDS:
                raise ConfigError(f"unknown backend {given!r}; choose from {', '.join(config.BACKENDS)}")
        chosen = config.backend_choice() if query is None or bulk is None else None
        self._query_choice = query or chosen
        self._bulk_choice = bulk or chosen
        self._bulk_auto = bulk is None and chosen is None  # neither bulk= nor $QA_BACKEND chose it
        self._backends: dict[str, Backend] = {}
        self._lock = threading.RLock()

    def _load(self, kind: str) -> Backend:
        """The backend ``kind`` (``onnx`` or ``torch``), loaded on first use."""
        with self._lock:
            found = self._backends.get(kind)
            if found is None:
                if kind == "onnx":
                    from qa.model.onnx_encoder import load_onnx

                    found = load_onnx(self.path)
                else:
                    from qa.model.torch_encoder import TorchEncoder

                    found = TorchEncoder(self.path)
                self._backends[kind] = found
            return found

    @property
    def query_backend(self) -> str:
        """The backend questions are encoded with (chosen once)."""
        with self._lock:
            if self._query_choice is None:
                from qa.model.onnx_encoder import onnx_usable

                self._query_choice = "onnx" if onnx_usable(self.path) else "torch"
            return self._query_choice

    @property
    def bulk_backend(self) -> str:
        """The backend index builds encode with (chosen once)."""
        with self._lock:
            if self._bulk_choice is None:
                self._bulk_choice = "torch" if config.torch_installed() else self.query_backend
            return self._bulk_choice

    def passage_backend(self, n: int) -> str:
        """The backend for ``n`` passages: the bulk one, except that a small addition (at most
        :data:`SMALL_ADDITION`) uses ONNX while torch is not loaded yet and nothing forced the bulk
        backend: loading torch took 8-11 s of a two-paragraph ``qa add``; both give the same vectors."""
        bulk = self.bulk_backend
        with self._lock:
            small = n <= SMALL_ADDITION and self._bulk_auto and bulk == "torch" and "torch" not in self._backends
        return "onnx" if small and self.query_backend == "onnx" else bulk

    @property
    def dimension(self) -> int:
        """Length of each vector (loads the query backend)."""
        return int(self._load(self.query_backend).dimension)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit vector per text, ``(len(texts), dimension)`` float32, by the query backend."""
        backend = self._load(self.query_backend)
        if not len(texts):
            return np.zeros((0, backend.dimension), dtype=np.float32)
        with self._lock:
            return backend.encode(list(texts), batch_size=batch_size)

    def encode_passages(self, texts: Sequence[str], spans: Sequence[Sequence[Span]], shifts: Sequence[int],
                        batch_size: int = 64) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage and per-sentence vectors from one pass per text, by the bulk backend.

        The lock is taken per batch: a question asked during a build waits at most one batch.
        See :meth:`qa.model.encoder.Encoder.encode_passages`.
        """
        backend = self._load(self.passage_backend(len(texts)))
        passages = np.zeros((len(texts), backend.dimension), dtype=np.float32)
        sentence_vecs: list[np.ndarray] = []
        for start in range(0, len(texts), max(1, batch_size)):
            end = start + batch_size
            with self._lock:
                vecs, sents = backend.encode_passages(texts[start:end], spans[start:end], shifts[start:end],
                                                      batch_size=batch_size)
            passages[start:end] = vecs
            sentence_vecs.extend(sents)
        return passages, sentence_vecs

    def describe(self) -> dict:
        """Model name, path, dimension, tokenizer settings and the bulk backend, for the index manifest.

        Loads no second backend: both report the same model, dimension and tokenizer settings.
        """
        with self._lock:
            loaded = self._backends.get(self.bulk_backend) or self._load(self.query_backend)
        return {**loaded.describe(), "backend": self.bulk_backend}

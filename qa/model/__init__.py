"""The embedding model behind one :class:`~qa.model.encoder.Encoder` object per process."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from qa.model.encoder import Encoder
from qa.types import Span

__all__ = ["Encoder", "get_encoder", "use_encoder"]

_lock = threading.Lock()
_encoder: Encoder | None = None
_override: list[Encoder] = []


class _EmbedEncoder:
    """The packaged model through :mod:`qa.model.embed` (transitional adapter)."""

    def __init__(self) -> None:
        from qa.model import embed

        self._embed = embed
        self.name = embed.model_name()
        self.dimension = embed.dimension()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed.encode(list(texts))

    def encode_passages(self, texts: Sequence[str], spans: Sequence[Sequence[Span]], shifts: Sequence[int]
                        ) -> tuple[np.ndarray, list[np.ndarray]]:
        from qa.index.sentences import encode_passages

        return encode_passages(texts, spans, shifts)

    def describe(self) -> dict:
        path = self._embed.model_path()
        return {"model": self.name, "model_path": path, "dimension": self.dimension}


def get_encoder() -> Encoder:
    """The process's encoder (loaded on first use; the one set by :func:`use_encoder` inside it)."""
    global _encoder
    if _override:
        return _override[-1]
    with _lock:
        if _encoder is None:
            _encoder = _EmbedEncoder()
        return _encoder


@contextmanager
def use_encoder(encoder: Encoder) -> Iterator[Encoder]:
    """Use ``encoder`` instead of the packaged model inside the block (tests, other models)."""
    _override.append(encoder)
    try:
        yield encoder
    finally:
        _override.remove(encoder)

"""The sentence table of an index: spans and vectors of every row's sentences.

The vectors are computed at index time by the encoder (:meth:`qa.model.encoder.Encoder.encode_passages`:
one model pass per passage); queries read them here and never encode sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.types import Span

__all__ = ["SentenceTable"]


class SentenceTable:
    """Sentence spans and vectors of every row of an index (files ``sentences.npy``, ``sentence_spans.npy``,
    ``sentence_offsets.npy``).

    Row ``r``'s sentences are entries ``offsets[r]:offsets[r + 1]``; ``spans`` holds ``(row, start, end)``
    (int32, character offsets in the passage text) and ``vectors`` the float16 unit vectors.
    """

    FILES = ("sentences.npy", "sentence_spans.npy", "sentence_offsets.npy")

    def __init__(self, offsets: np.ndarray, spans: np.ndarray, vectors: np.ndarray) -> None:
        if len(spans) != len(vectors) or offsets[-1] != len(vectors) or offsets[0] != 0:
            raise ValueError(f"sentence tables disagree: offsets end at {offsets[-1]}, {len(spans)} spans, "
                             f"{len(vectors)} vectors")
        self.offsets, self.spans, self.vectors = offsets, spans, vectors

    @classmethod
    def build(cls, spans: Sequence[Sequence[Span]], vectors: Sequence[np.ndarray]) -> SentenceTable:
        """From per-row spans and ``(k_r, d)`` vectors, in row order."""
        counts = np.fromiter((len(s) for s in spans), dtype=np.int64, count=len(spans))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        rows = np.repeat(np.arange(len(spans), dtype=np.int32), counts)
        flat = np.array([(a, b) for s in spans for a, b in s], dtype=np.int32).reshape(-1, 2)
        dim = vectors[0].shape[1] if len(vectors) else 0
        vecs = np.concatenate(list(vectors)).astype(np.float16) if len(vectors) else np.zeros((0, dim), np.float16)
        return cls(offsets, np.column_stack([rows, flat]).astype(np.int32), vecs)

    def save(self, directory: Path) -> None:
        """Write the three files into ``directory``."""
        for name, arr in zip(self.FILES, (self.vectors, self.spans, self.offsets), strict=True):
            np.save(directory / name, np.ascontiguousarray(arr), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> SentenceTable:
        """Memory-map the three files of ``directory``."""
        vectors, spans, offsets = (np.load(directory / name, mmap_mode="r", allow_pickle=False) for name in cls.FILES)
        return cls(offsets, spans, vectors)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, row: int) -> tuple[list[Span], np.ndarray]:
        """Spans and float32 vectors of one row's sentences."""
        a, b = int(self.offsets[row]), int(self.offsets[row + 1])
        spans = [Span(s, e) for _, s, e in self.spans[a:b].tolist()]  # one copy out of the map, not one per item
        return spans, np.asarray(self.vectors[a:b], dtype=np.float32)

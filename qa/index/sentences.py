"""Passage and sentence vectors from one encoder pass per passage.

The model runs once over each passage's embedded text (title + paragraph). The passage vector is
the model's own sentence embedding (mean pooling + normalisation: identical to :func:`qa.model.embed.encode`).
Each sentence's vector is the mean of the contextual token embeddings whose characters lie in the
sentence, normalised. Sentences cut off by the model's truncation get the passage vector. So queries
never encode sentences: retrieval and quote scoring read these vectors from the index.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np

from qa.model import embed
from qa.types import Span


def pool_sentences(tokens: np.ndarray, offsets: np.ndarray, spans: Sequence[Span], fallback: np.ndarray) -> np.ndarray:
    """Normalised mean of the token embeddings inside each span (``fallback`` for spans with none).

    Args:
        tokens: ``(L, d)`` token embeddings of the valid (unpadded) tokens.
        offsets: ``(L, 2)`` character ranges of those tokens in the passage text (special tokens
            and tokens before the passage, e.g. of the title, have an end ``<= start`` or a start < 0).
        spans: Sentence spans in the passage text.
        fallback: The vector of a span no token falls in (the passage vector).
    """
    out = np.empty((len(spans), tokens.shape[1]), dtype=np.float32)
    if not len(spans):
        return out
    starts = np.array([s.start for s in spans])
    ends = np.array([s.end for s in spans])
    tok_start = offsets[:, 0]
    which = np.searchsorted(starts, tok_start, side="right") - 1
    ok = (offsets[:, 1] > tok_start) & (which >= 0)
    ok &= tok_start < ends[np.clip(which, 0, len(spans) - 1)]
    onehot = np.zeros((len(spans), len(tokens)), dtype=np.float32)
    onehot[which[ok], np.nonzero(ok)[0]] = 1.0
    sums = onehot @ tokens
    counts = onehot.sum(axis=1)
    norms = np.linalg.norm(sums, axis=1)
    good = (counts > 0) & (norms > 0)
    out[good] = sums[good] / norms[good, None]
    out[~good] = fallback
    return out


def encode_passages(texts: Sequence[str], spans: Sequence[Sequence[Span]], shifts: Sequence[int], *,
                    path: str | None = None, batch_size: int = 64) -> tuple[np.ndarray, list[np.ndarray]]:
    """Passage vectors and per-sentence vectors of each text, from one model pass.

    Args:
        texts: The embedded texts (title + "\\n" + paragraph).
        spans: Sentence spans of each paragraph, in paragraph coordinates.
        shifts: Where the paragraph starts inside each embedded text.
        path: Model directory (default :func:`qa.model.embed.model_path`).

    Returns:
        ``(passage vectors (n, d) float32, [sentence vectors (k_i, d) float32 per text])``.
    """
    import torch

    model = embed.load_model(path)
    tokenizer = model.tokenizer
    max_len = model.max_seq_length
    dim = embed.dimension(path)
    passages = np.zeros((len(texts), dim), dtype=np.float32)
    sentence_vecs: list[np.ndarray] = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        stripped = [t.strip() for t in batch]  # as sentence-transformers tokenizes
        leads = [len(t) - len(t.lstrip()) for t in batch]
        enc = tokenizer(stripped, padding=True, truncation="longest_first", max_length=max_len,
                        return_tensors="pt", return_offsets_mapping=True)
        offsets = enc.pop("offset_mapping").numpy()
        with getattr(embed, "_lock", contextlib.nullcontext()), torch.inference_mode():
            out = model(dict(enc))
        tokens = out["token_embeddings"].float().numpy()
        pooled = out["sentence_embedding"].float().numpy()
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        mask = enc["attention_mask"].numpy().astype(bool)
        for j in range(len(batch)):
            i = start + j
            passages[i] = pooled[j]
            shift = shifts[i] - leads[j]
            sentence_vecs.append(pool_sentences(tokens[j][mask[j]], offsets[j][mask[j]] - shift, spans[i],
                                                pooled[j]))
    return passages, sentence_vecs


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

    def save(self, directory) -> None:
        for name, arr in zip(self.FILES, (self.vectors, self.spans, self.offsets), strict=True):
            np.save(directory / name, np.ascontiguousarray(arr), allow_pickle=False)

    @classmethod
    def load(cls, directory) -> SentenceTable:
        vectors, spans, offsets = (np.load(directory / name, mmap_mode="r", allow_pickle=False) for name in cls.FILES)
        return cls(offsets, spans, vectors)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, row: int) -> tuple[list[Span], np.ndarray]:
        """Spans and float32 vectors of one row's sentences."""
        a, b = int(self.offsets[row]), int(self.offsets[row + 1])
        return [Span(int(s), int(e)) for _, s, e in self.spans[a:b]], np.asarray(self.vectors[a:b], dtype=np.float32)

"""Sentence vectors from a passage's token embeddings: pure numpy, shared by both backends.

The model runs once over each passage's embedded text (title + paragraph). The passage vector is
the model's own sentence embedding (mean pooling + normalisation). Each sentence's vector is the
normalised mean of the contextual token embeddings whose characters lie in the sentence. Sentences
cut off by the model's truncation get the passage vector.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.types import Span

__all__ = ["normalize", "passage_sentences", "pool_sentences"]


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero), float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def pool_sentences(tokens: np.ndarray, offsets: np.ndarray, spans: Sequence[Span], fallback: np.ndarray) -> np.ndarray:
    """Normalised mean of the token embeddings inside each span (``fallback`` for spans with none).

    Args:
        tokens: ``(L, d)`` token embeddings of the valid (unpadded) tokens.
        offsets: ``(L, 2)`` character ranges of those tokens in the passage text (special tokens
            and tokens before the passage, e.g. of the title, have an end ``<= start`` or a start < 0).
        spans: Sentence spans in the passage text, in order.
        fallback: The vector of a span no token falls in (the passage vector).

    Returns:
        ``(len(spans), d)`` float32 unit vectors.
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


def passage_sentences(tokens: np.ndarray, offsets: np.ndarray, mask: np.ndarray, pooled: np.ndarray,
                      spans: Sequence[Span], shift: int) -> np.ndarray:
    """Sentence vectors of one passage from one padded row of a model batch.

    Args:
        tokens: ``(L, d)`` token embeddings of the row, padding included.
        offsets: ``(L, 2)`` character ranges of the tokens in the text the tokenizer saw.
        mask: ``(L,)`` attention mask (true for real tokens).
        pooled: The passage's unit vector (for sentences lost to truncation).
        spans: Sentence spans in paragraph coordinates.
        shift: Where the paragraph starts in the text the tokenizer saw.
    """
    mask = np.asarray(mask).astype(bool)
    return pool_sentences(np.asarray(tokens, dtype=np.float32)[mask], np.asarray(offsets)[mask] - shift, spans,
                          pooled)

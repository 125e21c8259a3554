"""Synthetic index data for ``qa bench`` at sizes beyond the real corpora (e.g. 1,000,000 paragraphs).

How the rows are made (deterministic for a seed):

- The real index (MultiHop-RAG, ~28k paragraphs) is copied first, unchanged: real questions keep
  their real answers, so answer() does its usual work.
- Vectors of the other rows: 75% are perturbed copies of real vectors (``v + e`` with Gaussian
  noise ``e`` of norm 0.4-0.9 relative to ``v``, renormalised: cosine 0.75-0.93 to the source, so
  they crowd the neighbourhoods that queries hit), 25% are uniformly random unit vectors.
- Sentences: each synthetic paragraph is one sentence (its text ends with the only full stop); its
  vector is the paragraph's vector plus Gaussian noise of relative norm 0.3, renormalised, so
  queries read sentence vectors from the index as they do for a real one.
- Texts: 30-90 words drawn from the real corpus's word-frequency distribution (a unigram model
  of the real texts), so BM25 posting lists have realistic lengths; 10 paragraphs per synthetic
  article, titles of 6-10 words, outlets drawn from the real outlets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import numpy as np

from qa.index.record import PassageRecord
from qa.index.sentences import SentenceTable
from qa.ingest.segment import passage_id

PARAS_PER_ARTICLE = 10
RANDOM_SHARE = 0.25
CHUNK = 50_000


def synth_vectors(real: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` unit vectors: perturbed copies of ``real`` rows and uniformly random directions."""
    rng = np.random.default_rng(seed)
    dim = real.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        src = real[rng.integers(0, len(real), m)]
        noise = rng.standard_normal((m, dim)).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        scale = rng.uniform(0.4, 0.9, (m, 1)).astype(np.float32)
        block = src + noise * scale * np.linalg.norm(src, axis=1, keepdims=True)
        rand = rng.random(m) < RANDOM_SHARE
        block[rand] = noise[rand]
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + m] = block
    return out


def _unigram(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    counts = Counter(w for t in texts for w in re.findall(r"[A-Za-z][A-Za-z'-]*|\d+", t))
    words = np.array(list(counts), dtype=object)
    freq = np.array(list(counts.values()), dtype=np.float64)
    return words, np.cumsum(freq / freq.sum())


def synth_records(real: list[PassageRecord], n: int, seed: int = 0) -> Iterator[PassageRecord]:
    """``n`` synthetic passages (texts from the unigram model of ``real``), in row order."""
    rng = np.random.default_rng(seed + 1)
    words, cdf = _unigram([r.text for r in real[:20_000]])
    outlets = sorted({r.outlet for r in real}) or ["Synthetic News"]
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        lengths = rng.integers(30, 91, m)
        picks = np.searchsorted(cdf, rng.random(int(lengths.sum())))
        picks = np.minimum(picks, len(words) - 1)
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        for j in range(m):
            row = start + j
            art = row // PARAS_PER_ARTICLE
            aid = f"synthetic-{art:07d}"
            text = " ".join(words[picks[bounds[j]:bounds[j + 1]]]) + "."
            if row % PARAS_PER_ARTICLE == 0 or j == 0:
                arng = np.random.default_rng(seed * 7919 + art)
                title = " ".join(words[np.minimum(np.searchsorted(cdf, arng.random(arng.integers(6, 11))),
                                                  len(words) - 1)]).capitalize()
                outlet = outlets[int(arng.integers(0, len(outlets)))]
            yield PassageRecord(id=passage_id(aid, text, row), article_id=aid, paragraph=row % PARAS_PER_ARTICLE,
                                offset=0, text=text, key=f"synthetic-{row}", outlet=outlet, title=title, url="",
                                published="2024-01-01", author="")


def synth_sentences(real: SentenceTable, records: list[PassageRecord], vectors: np.ndarray,
                    seed: int = 0) -> SentenceTable:
    """Sentence table of a synthetic index: the real rows' sentences, then one per synthetic row."""
    rng = np.random.default_rng(seed + 2)
    n_real = len(real)
    extra = len(records) - n_real
    lengths = np.fromiter((len(r.text) for r in records[n_real:]), dtype=np.int32, count=extra)
    spans = np.column_stack([np.arange(n_real, len(records), dtype=np.int32), np.zeros(extra, np.int32), lengths])
    vecs = np.empty((extra, vectors.shape[1]), dtype=np.float16)
    for start in range(0, extra, CHUNK):
        block = vectors[n_real + start:n_real + start + CHUNK]
        noise = rng.standard_normal(block.shape).astype(np.float32)
        noise *= 0.3 / np.linalg.norm(noise, axis=1, keepdims=True)
        block = block + noise
        vecs[start:start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    offsets = np.concatenate([np.asarray(real.offsets), real.offsets[-1] + np.arange(1, extra + 1)])
    return SentenceTable(offsets.astype(np.int64), np.concatenate([np.asarray(real.spans), spans]).astype(np.int32),
                         np.concatenate([np.asarray(real.vectors), vecs]))

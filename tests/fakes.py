"""A tiny deterministic encoder for model-free unit tests (never used in end-to-end tests).

Each word (lower-cased, punctuation stripped) maps to a fixed pseudo-random unit vector; a text's
vector is the normalised sum of its words'. Texts sharing words are close, as with a real model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qa.types import Span

_WORD = re.compile(r"\w+")


class FakeEncoder:
    """Bag-of-hashed-words vectors; implements :class:`qa.model.encoder.Encoder`."""

    name = "fake-hash-encoder"

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self._cache: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        vec = self._cache.get(word)
        if vec is None:
            seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vec = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            vec /= np.linalg.norm(vec)
            self._cache[word] = vec
        return vec

    def _one(self, text: str) -> np.ndarray:
        words = _WORD.findall(text.lower())
        if not words:
            return np.full(self.dimension, 1 / np.sqrt(self.dimension), dtype=np.float32)
        total = np.sum([self._word(w) for w in words], axis=0)
        return (total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])

    def encode_passages(self, texts: Sequence[str], spans: Sequence[Sequence[Span]], shifts: Sequence[int]
                        ) -> tuple[np.ndarray, list[np.ndarray]]:
        passages = self.encode(texts)
        sentences = [self.encode([t[shift + a:shift + b] for a, b in sp]).reshape(len(sp), self.dimension)
                     for t, sp, shift in zip(texts, spans, shifts, strict=True)]
        return passages, sentences

    def describe(self) -> dict:
        return {"model": self.name, "model_path": "", "dimension": self.dimension,
                "tokenizer": {"kind": "words"}}


def build_fake_index(corpus: Path, index: Path) -> Path:
    """Build ``index`` from ``corpus`` with a :class:`FakeEncoder`: no model."""
    import qa
    from qa.model import use_encoder

    with use_encoder(FakeEncoder()):
        qa.build_index(corpus, index)
    return index


class FakeReader:
    """A reader for model-free tests: the answer is the first word of the text that the question names
    in ``answers`` (a word -> margin map), else "no answer"; implements what :mod:`qa.answering.reading` uses."""

    def __init__(self, answers: dict[str, float], prob: float = 0.9) -> None:
        self.answers, self.prob = answers, prob
        self.config: dict = {}
        self.calls: list[tuple[str, list[str]]] = []

    def read(self, question: str, texts: list[str], max_answer_tokens: int = 30) -> list:
        from qa.model.reader import Span as ReadSpan

        self.calls.append((question, list(texts)))
        out = []
        for text in texts:
            found = [(m.start(), m.end(), self.answers[m.group(0)]) for m in re.finditer(r"\w+", text)
                     if m.group(0) in self.answers]
            if found:
                start, end, margin = found[0]
                out.append(ReadSpan(start, end, margin, 0.0, self.prob, 1 - self.prob))
            else:
                out.append(ReadSpan(0, 1, -5.0, 0.0, 0.01, 0.99))
        return out

    def read_many(self, asks: list[tuple[str, list[str]]], max_answer_tokens: int = 30) -> list[list]:
        return [self.read(q, list(t), max_answer_tokens) for q, t in asks]

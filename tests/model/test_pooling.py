"""Sentence pooling: pure numpy, no model."""

from __future__ import annotations

import numpy as np
import pytest

from qa.model.pooling import normalize, passage_sentences, pool_sentences
from qa.types import Span

pytestmark = pytest.mark.fast


def test_pool_sentences_groups_tokens_by_character_span():
    tokens = np.array([[9, 9], [1, 0], [3, 0], [0, 2], [9, 9]], dtype=np.float32)
    offsets = np.array([[0, 0], [0, 3], [4, 7], [9, 12], [0, 0]])  # special tokens at both ends
    offsets[0] = offsets[4] = -5  # shifted away: before the passage (title / special)
    spans = [Span(0, 8), Span(9, 13), Span(20, 25)]  # the last one lies beyond the truncation
    fallback = np.array([0.6, 0.8], dtype=np.float32)
    out = pool_sentences(tokens, offsets, spans, fallback)
    assert out.dtype == np.float32
    assert np.allclose(out, [[1, 0], [0, 1], [0.6, 0.8]])
    assert pool_sentences(tokens, offsets, [], fallback).shape == (0, 2)


def test_passage_sentences_drops_padding_and_shifts_to_paragraph_coordinates():
    # "T\nab cd": title token "T" at 0, paragraph "ab cd" starts at 2; one padding token at the end
    tokens = np.array([[5, 5], [7, 7], [1, 0], [0, 1], [4, 4], [3, 3]], dtype=np.float32)
    offsets = np.array([[0, 0], [0, 1], [2, 4], [5, 7], [0, 0], [0, 0]])
    mask = np.array([1, 1, 1, 1, 1, 0])
    pooled = normalize(np.array([[1.0, 1.0]]))[0]
    out = passage_sentences(tokens, offsets, mask, pooled, [Span(0, 2), Span(3, 5)], shift=2)
    assert np.allclose(out, [[1, 0], [0, 1]])
    # the title's token never counts: a sentence spanning the whole paragraph sees only its own tokens
    whole = passage_sentences(tokens, offsets, mask, pooled, [Span(0, 5)], shift=2)
    assert np.allclose(whole, normalize(np.array([[1.0, 1.0]])))
    assert np.allclose(np.linalg.norm(normalize(np.array([[3.0, 4.0], [0.0, 0.0]])), axis=1), [1, 0])

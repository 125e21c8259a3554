"""The reader's text side: questions and texts into model windows, and start/end logits back into answer spans.

Pure numpy and ``tokenizers`` (no model): :func:`encode` cuts ``[CLS] question [SEP] text [SEP]`` windows,
:func:`decode` finds the best span of each text over its windows. Used at run time (:mod:`qa.model.reader`)
and in training (:mod:`qa.train`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

__all__ = ["Batch", "Span", "decode", "encode", "prepare_tokenizer"]

_NEG = -1e9


@dataclass(frozen=True)
class Span:
    """The reader's answer for one text.

    Attributes:
        start: Character offset of the answer in the text (inclusive).
        end: Character offset of the answer's end (exclusive); ``text[start:end]`` is the answer.
        score: Start logit + end logit of the best span (``-inf`` when the text has no tokens).
        null_score: Start + end logit of ``[CLS]`` ("no answer here"); over several windows, the lowest.
        prob: Softmax probability of the best span (start prob x end prob, ``[CLS]`` competing).
        null_prob: Softmax probability of "no answer" in the window the best span came from.
        rival: Score of the best span sharing no token with the best one, in the same window (``-inf``: none):
            another answer the reader nearly gave ("25" against "27 years old").
        mass: Probability of every span sharing a token with the best one (start x end probabilities summed,
            ``[CLS]`` competing): "the 1850s" and "1850s" count as one answer, as token F1 counts them.
    """

    start: int
    end: int
    score: float
    null_score: float
    prob: float = 0.0
    null_prob: float = 1.0
    rival: float = float("-inf")
    mass: float = 0.0

    @property
    def has_answer(self) -> bool:
        """True when the best span outscores "no answer" (margin 0; tune a threshold on ``margin``)."""
        return self.score > self.null_score

    @property
    def margin(self) -> float:
        """``score - null_score``: the higher, the surer the reader is that the text answers the question."""
        return self.score - self.null_score


class Batch(NamedTuple):
    """Model inputs for one question and its texts, plus what is needed to map tokens back to characters."""

    input_ids: np.ndarray  # [windows, seq] int64
    attention_mask: np.ndarray
    token_type_ids: np.ndarray
    rows: list[tuple[int, int, int]]  # per window: (text index, first passage token, passage token count)
    q_len: int
    offsets: list[list[tuple[int, int]]]  # per text: character offsets of its tokens


def prepare_tokenizer(tokenizer):
    """Switch off any truncation/padding stored in ``tokenizer.json`` (windows are made here)."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def encode(tokenizer, question: str, texts: list[str], max_len: int = 192, stride: int = 64,
           max_query: int = 64) -> Batch:
    """Tokenise ``question`` with each text into ``[CLS] q [SEP] passage [SEP]`` windows of at most ``max_len``.

    Args:
        tokenizer: A ``tokenizers.Tokenizer`` (truncation and padding off).
        question: The question; cut to ``max_query`` tokens.
        texts: Passages; each one gives one window, or several overlapping by ``stride`` tokens if long.
        max_len: Longest window in tokens, special tokens included.
        stride: Tokens shared by consecutive windows of one long text.
        max_query: Most question tokens kept.

    Returns:
        The padded batch (pad id 0, padded to the longest window).
    """
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    q = tokenizer.encode(question, add_special_tokens=False).ids[:max_query]
    encs = tokenizer.encode_batch(list(texts), add_special_tokens=False) if texts else []
    budget = max(1, max_len - len(q) - 3)
    step = max(1, budget - min(stride, budget // 2))
    seqs: list[list[int]] = []
    rows: list[tuple[int, int, int]] = []
    for i, enc in enumerate(encs):
        ids, start = enc.ids, 0
        while True:
            end = min(len(ids), start + budget)
            seqs.append([cls_id, *q, sep_id, *ids[start:end], sep_id])
            rows.append((i, start, end - start))
            if end >= len(ids):
                break
            start += step
    width = max((len(s) for s in seqs), default=len(q) + 3)
    input_ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros_like(input_ids)
    types = np.zeros_like(input_ids)
    for r, s in enumerate(seqs):
        input_ids[r, :len(s)] = s
        mask[r, :len(s)] = 1
        types[r, len(q) + 2:len(s)] = 1
    return Batch(input_ids, mask, types, rows, len(q), [list(e.offsets) for e in encs])


def _softmax_at(logits: np.ndarray, keep: np.ndarray) -> np.ndarray:
    x = np.where(keep, logits, -np.inf)
    x = np.exp(x - x.max())
    return x / x.sum()


def decode(batch: Batch, start_logits: np.ndarray, end_logits: np.ndarray, texts: list[str],
           max_answer_tokens: int = 30) -> list[Span]:
    """Best span per text from the model's logits (exhaustive search over start <= end <= start + max - 1).

    Args:
        batch: What :func:`encode` returned for ``texts``.
        start_logits: ``[windows, seq]`` start logits.
        end_logits: ``[windows, seq]`` end logits.
        texts: The texts given to :func:`encode`.
        max_answer_tokens: Longest answer in tokens.

    Returns:
        One :class:`Span` per text, in order.
    """
    best: list[Span | None] = [None] * len(texts)
    nulls = [np.inf] * len(texts)
    p0 = batch.q_len + 2
    band = np.triu(np.ones((0, 0), dtype=bool))
    for r, (i, first, n) in enumerate(batch.rows):
        s, e = start_logits[r].astype(np.float64), end_logits[r].astype(np.float64)
        null = float(s[0] + e[0])
        nulls[i] = min(nulls[i], null)
        if n == 0:
            continue
        if band.shape[0] != n:
            k = np.arange(n)
            diff = k[None, :] - k[:, None]
            band = (diff >= 0) & (diff < max_answer_tokens)
        scores = np.where(band, s[p0:p0 + n, None] + e[None, p0:p0 + n], -np.inf)
        a, b = divmod(int(np.argmax(scores)), n)
        score = float(scores[a, b])
        if best[i] is not None and best[i].score >= score:
            continue
        keep = np.zeros(s.shape[0], dtype=bool)
        keep[0] = True
        keep[p0:p0 + n] = True
        ps, pe = _softmax_at(s, keep), _softmax_at(e, keep)
        offs = batch.offsets[i]
        c0, c1 = _trim(texts[i], offs[first + a][0], offs[first + b][1])
        # spans sharing no token with [a, b] end before a or start after b (the band keeps start <= end)
        rival = max((float(x.max()) for x in (scores[:a, :a], scores[b + 1:, b + 1:]) if x.size), default=-np.inf)
        # spans sharing a token with [a, b] start at or before b and end at or after a
        mass = float((ps[p0:p0 + b + 1, None] * pe[None, p0 + a:p0 + n])[band[:b + 1, a:]].sum())
        best[i] = Span(c0, c1, score, null, float(ps[p0 + a] * pe[p0 + b]), float(ps[0] * pe[0]), rival, mass)
    out = []
    for i, span in enumerate(best):
        null = float(nulls[i]) if np.isfinite(nulls[i]) else 0.0
        out.append(Span(0, 0, float("-inf"), null) if span is None else replace(span, null_score=null))
    return out


_EDGE = ",;:!?"  # with every character str.isspace() counts
_QUOTES = "\"'“”‘’()[]"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace, edge punctuation, unbalanced quotes/brackets and a sentence-final period."""
    a, b = start, end
    for _ in range(3):
        while a < b and (text[a] in _EDGE + "." or text[a].isspace()):  # isspace: " \t\n", "\x1f", "\u2003"
            a += 1
        while b > a and (text[b - 1] in _EDGE or text[b - 1].isspace()):
            b -= 1
        if b > a and text[b - 1] == "." and not re.search(r"(^|[.\s])[A-Za-z]\.$", text[a:b]):
            b -= 1
        piece = text[a:b]
        if b > a and text[a] in _QUOTES and not _balanced(piece, text[a]):
            a += 1
        if b > a and text[b - 1] in _QUOTES and not _balanced(text[a:b], text[b - 1]):
            b -= 1
    return (a, b) if b > a else (start, end)


def _balanced(piece: str, ch: str) -> bool:
    pairs = {"(": ")", ")": "(", "[": "]", "]": "[", "“": "”", "”": "“", "‘": "’", "’": "‘"}
    if ch in pairs:
        return piece.count(ch) == piece.count(pairs[ch])
    if ch == "'":  # apostrophes: only strip a lone leading/trailing quote
        return not (piece.startswith("'") ^ piece.endswith("'"))
    return piece.count(ch) % 2 == 0

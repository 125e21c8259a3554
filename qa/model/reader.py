"""Extractive QA reader at run time: an int8 ONNX MiniLM that marks the answer span in short texts.

Only numpy, onnxruntime and tokenizers are used here (no torch, no transformers), so the answer path
stays light. The model directory (``models/reader/`` in the repo) holds ``model.onnx``, ``tokenizer.json``
and ``reader.json``; :func:`load_reader` loads it once per process.

Each text is read as ``[CLS] question [SEP] text [SEP]`` (token types 0 / 1). A text longer than the
model's window is read in overlapping windows and the best span over its windows is kept. All windows of
one call go through a single batched ``session.run``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "models" / "reader"
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
    """

    start: int
    end: int
    score: float
    null_score: float
    prob: float = 0.0
    null_prob: float = 1.0
    rival: float = float("-inf")

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
        best[i] = Span(c0, c1, score, null, float(ps[p0 + a] * pe[p0 + b]), float(ps[0] * pe[0]), rival)
    out = []
    for i, span in enumerate(best):
        null = float(nulls[i]) if np.isfinite(nulls[i]) else 0.0
        out.append(Span(0, 0, float("-inf"), null) if span is None else
                   Span(span.start, span.end, span.score, null, span.prob, span.null_prob, span.rival))
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


class Reader:
    """An ONNX extractive reader loaded from a model directory.

    Args:
        path: Directory with ``model.onnx``, ``tokenizer.json`` and ``reader.json``.
        threads: onnxruntime intra-op threads (default: CPU count, at most 4).
        model_file: ONNX file name inside ``path`` (e.g. an fp32 export for comparison).
        per_window: Run each window alone, unpadded (:meth:`logits`); False: all windows of a call in one
            padded run.
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DIR, threads: int | None = None,
                 model_file: str = "model.onnx", per_window: bool = True) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.path = Path(path)
        self.per_window = per_window
        self.config = json.loads((self.path / "reader.json").read_text())
        self.max_len = int(self.config.get("max_len", 192))
        self.stride = int(self.config.get("stride", 64))
        self.max_query = int(self.config.get("max_query", 64))
        self.tokenizer = prepare_tokenizer(Tokenizer.from_file(str(self.path / "tokenizer.json")))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # no threads spinning between calls: on shared cores they stall the question encoder and the rest
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(self.path / model_file), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}

    def logits(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """Run the model on an encoded batch; returns ``(start_logits, end_logits)``, each ``[windows, seq]``.

        With ``per_window`` (the default) each window runs alone, unpadded: a run costs its word pieces, so
        padding is not paid for, and a window's scores do not depend on what else is read with it (int8
        activations are scaled per run). Padded positions get logit 0; :func:`decode` never reads them.
        """
        feeds = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask,
                 "token_type_ids": batch.token_type_ids}
        feeds = {k: v for k, v in feeds.items() if k in self._inputs}
        names = ["start_logits", "end_logits"]
        if not self.per_window:
            start, end = self.session.run(names, feeds)
            return start, end
        start = np.zeros(batch.input_ids.shape, dtype=np.float32)
        end = np.zeros_like(start)
        for r, n in enumerate(batch.attention_mask.sum(axis=1).tolist()):
            start[r, :n], end[r, :n] = (x[0] for x in self.session.run(names, {k: v[r:r + 1, :n]
                                                                               for k, v in feeds.items()}))
        return start, end

    def read(self, question: str, texts: list[str], max_answer_tokens: int = 30) -> list[Span]:
        """Find the answer to ``question`` in each of ``texts`` (one batched model call).

        Args:
            question: The question.
            texts: Short passages (best 1-3 sentences, or a paragraph); longer ones are windowed.
            max_answer_tokens: Longest answer in word pieces.

        Returns:
            One :class:`Span` per text; ``texts[i][span.start:span.end]`` is the answer. Compare ``score``
            with ``null_score`` (or use ``margin``/``prob``) to decide whether the text answers at all.
        """
        texts = list(texts)
        if not texts:
            return []
        batch = encode(self.tokenizer, question, texts, self.max_len, self.stride, self.max_query)
        start, end = self.logits(batch)
        return decode(batch, start, end, texts, max_answer_tokens)


@lru_cache(maxsize=4)
def _load(path: str, threads: int | None) -> Reader:
    return Reader(path, threads)


def load_reader(path: str | os.PathLike[str] | None = None, threads: int | None = None) -> Reader:
    """The process-wide :class:`Reader` for ``path`` (default: the repo's ``models/reader``; the answer path asks
    :func:`qa.model.get_reader`, which reads ``$QA_READER``)."""
    where = path or DEFAULT_DIR
    return _load(str(Path(where).resolve()), threads)

"""Extractive QA reader at run time: an int8 ONNX MiniLM that marks the answer span in short texts.

Only numpy, onnxruntime and tokenizers are used here (no torch, no transformers), so the answer path
stays light. The model directory (``models/reader/`` in the repo) holds ``model.onnx``, ``tokenizer.json``
and ``reader.json``; :func:`load_reader` loads it once per process.

Each text is read as ``[CLS] question [SEP] text [SEP]`` (token types 0 / 1). A text longer than the
model's window is read in overlapping windows and the best span over its windows is kept. The windows of
one call (of several questions with :meth:`Reader.read_many`) go through as few batched ``session.run`` as
pay (:func:`qa.model.spans.buckets`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.model.spans import CALL_TOKENS, Batch, Span, buckets, decode, encode, prepare_tokenizer

__all__ = ["DEFAULT_DIR", "Batch", "Reader", "Span", "buckets", "decode", "encode", "load_reader", "prepare_tokenizer"]

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "models" / "reader"


class Reader:
    """An ONNX extractive reader loaded from a model directory.

    Args:
        path: Directory with ``model.onnx``, ``tokenizer.json`` and ``reader.json``.
        threads: onnxruntime intra-op threads (default: CPU count, at most 4).
        model_file: ONNX file name inside ``path`` (e.g. an fp32 export for comparison).
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DIR, threads: int | None = None,
                 model_file: str = "model.onnx") -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.path = Path(path)
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
        """Run the model on an encoded batch; returns ``(start_logits, end_logits)``, each ``[windows, seq]``."""
        feeds = {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask,
                 "token_type_ids": batch.token_type_ids}
        start, end = self.session.run(["start_logits", "end_logits"],
                                      {k: v for k, v in feeds.items() if k in self._inputs})
        return start, end

    def read(self, question: str, texts: list[str], max_answer_tokens: int = 30) -> list[Span]:
        """Find the answer to ``question`` in each of ``texts`` (batched model calls, see :meth:`read_many`).

        Args:
            question: The question.
            texts: Short passages (best 1-3 sentences, or a paragraph); longer ones are windowed.
            max_answer_tokens: Longest answer in word pieces.

        Returns:
            One :class:`Span` per text; ``texts[i][span.start:span.end]`` is the answer. Compare ``score``
            with ``null_score`` (or use ``margin``/``prob``) to decide whether the text answers at all.
        """
        return self.read_many([(question, list(texts))], max_answer_tokens)[0]

    def read_many(self, requests: Sequence[tuple[str, list[str]]], max_answer_tokens: int = 30) -> list[list[Span]]:
        """Read several questions, each with its texts, in as few model calls as pay: the windows of every
        question are sorted by length and cut into buckets (:func:`buckets`), each padded to its longest.

        Args:
            requests: ``(question, texts)`` pairs.
            max_answer_tokens: Longest answer in word pieces.

        Returns:
            For each request, one :class:`Span` per text (as :meth:`read`).
        """
        batches = [encode(self.tokenizer, q, list(texts), self.max_len, self.stride, self.max_query)
                   for q, texts in requests]
        rows = [(b, r, int(batch.attention_mask[r].sum())) for b, batch in enumerate(batches)
                for r in range(len(batch.rows))]
        rows.sort(key=lambda row: row[2])
        starts = [np.zeros(b.input_ids.shape, dtype=np.float32) for b in batches]
        ends = [np.zeros(b.input_ids.shape, dtype=np.float32) for b in batches]
        for lo, hi in buckets([n for _, _, n in rows], CALL_TOKENS):
            group = rows[lo:hi]
            width = group[-1][2]
            merged = Batch(*(np.zeros((len(group), width), dtype=np.int64) for _ in range(3)), [], 0, [])
            for i, (b, r, n) in enumerate(group):
                for dst, src in zip(merged[:3], batches[b][:3], strict=True):
                    dst[i, :n] = src[r, :n]
            start, end = self.logits(merged)
            for i, (b, r, n) in enumerate(group):
                starts[b][r, :n], ends[b][r, :n] = start[i, :n], end[i, :n]
        return [decode(batch, s, e, list(texts), max_answer_tokens) if texts else []
                for batch, s, e, (_, texts) in zip(batches, starts, ends, requests, strict=True)]


@lru_cache(maxsize=4)
def _load(path: str, threads: int | None) -> Reader:
    return Reader(path, threads)


def load_reader(path: str | os.PathLike[str] | None = None, threads: int | None = None) -> Reader:
    """The process-wide :class:`Reader` for ``path`` (default: the repo's ``models/reader``; the answer path asks
    :func:`qa.model.get_reader`, which reads ``$QA_READER``)."""
    where = path or DEFAULT_DIR
    return _load(str(Path(where).resolve()), threads)

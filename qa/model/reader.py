"""Extractive QA reader at run time: an int8 ONNX MiniLM that marks the answer span in short texts.

Only numpy, onnxruntime and tokenizers are used here (no torch, no transformers), so the answer path
stays light. The model directory (``models/reader/`` in the repo) holds ``model.onnx``, ``tokenizer.json``
and ``reader.json``; :func:`load_reader` loads it once per process.

Each text is read as ``[CLS] question [SEP] text [SEP]`` (token types 0 / 1); a text longer than the
model's window is read in overlapping windows and the best span over its windows is kept
(:mod:`qa.model.reader_codec`). Each window runs alone, unpadded, and the windows of one call
(:meth:`Reader.read_many`: every question of an answer at once) are spread over the CPU threads, one
single-threaded run each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.model.reader_codec import Batch, Span, decode, encode, prepare_tokenizer

__all__ = ["DEFAULT_DIR", "Batch", "Reader", "Span", "decode", "encode", "load_reader", "prepare_tokenizer"]

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "models" / "reader"


class Reader:
    """An ONNX extractive reader loaded from a model directory.

    Args:
        path: Directory with ``model.onnx``, ``tokenizer.json`` and ``reader.json``.
        threads: CPU threads to read with (default: CPU count, at most 4): that many windows run at once, one
            thread each; with ``per_window`` False, onnxruntime's intra-op threads of the one padded run.
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
        self.threads = max(1, threads or min(4, os.cpu_count() or 1))

        def session(intra: int):
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = intra
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # no threads spinning between calls: on shared cores they stall the question encoder and the rest
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return ort.InferenceSession(str(self.path / model_file), opts, providers=["CPUExecutionProvider"])

        # windows are too small to share among threads well: one thread each, several at once; a window
        # left over (one read alone, or the last of an odd number) runs on all the threads
        self.session = session(1 if per_window and self.threads > 1 else self.threads)
        self._wide = session(self.threads) if per_window and self.threads > 1 else self.session
        self._inputs = {i.name for i in self.session.get_inputs()}
        # made here, not on first use, so that two first questions at once share one pool (threads start lazily)
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="qa-reader") \
            if per_window and self.threads > 1 else None

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
        lengths = batch.attention_mask.sum(axis=1).tolist()
        order = sorted(range(len(lengths)), key=lambda r: -lengths[r])  # longest first: the threads end together

        def run(r: int, session=self.session) -> list[np.ndarray]:
            return session.run(names, {k: v[r:r + 1, :lengths[r]] for k, v in feeds.items()})

        # as many at a time as there are threads; the rest (the shortest) each alone on all the threads
        pooled = order[:len(order) - len(order) % self.threads] if self.threads > 1 else []
        outs = []
        if pooled and self._pool is not None:
            outs = list(self._pool.map(run, pooled))  # onnxruntime lets go of the GIL while it runs
        outs += [run(r, self._wide) for r in order[len(pooled):]]
        for r, (s, e) in zip(order, outs, strict=True):
            start[r, :lengths[r]], end[r, :lengths[r]] = s[0], e[0]
        return start, end

    def read(self, question: str, texts: list[str], max_answer_tokens: int = 30) -> list[Span]:
        """Find the answer to ``question`` in each of ``texts`` (one model call; see :meth:`logits`).

        Args:
            question: The question.
            texts: Short passages (best 1-3 sentences, or a paragraph); longer ones are windowed.
            max_answer_tokens: Longest answer in word pieces.

        Returns:
            One :class:`Span` per text; ``texts[i][span.start:span.end]`` is the answer. Compare ``score``
            with ``null_score`` (or use ``margin``/``prob``) to decide whether the text answers at all.
        """
        return self.read_many([(question, texts)], max_answer_tokens)[0]

    def read_many(self, asks: Sequence[tuple[str, Sequence[str]]], max_answer_tokens: int = 30
                  ) -> list[list[Span]]:
        """:meth:`read` for several questions, each with its texts, in one model call (all windows together).

        Args:
            asks: ``(question, texts)`` pairs.
            max_answer_tokens: Longest answer in word pieces.

        Returns:
            For each pair, one :class:`Span` per text, as :meth:`read` gives.
        """
        batches = [encode(self.tokenizer, q, list(t), self.max_len, self.stride, self.max_query) if t else None
                   for q, t in asks]
        real = [b for b in batches if b is not None]
        if not real:
            return [[] for _ in asks]
        width = max(b.input_ids.shape[1] for b in real)
        joined = Batch(*(np.concatenate([np.pad(getattr(b, f), ((0, 0), (0, width - b.input_ids.shape[1])))
                                         for b in real]) for f in ("input_ids", "attention_mask", "token_type_ids")),
                       [], 0, [])
        start, end = self.logits(joined)
        out, at = [], 0
        for (_, texts), b in zip(asks, batches, strict=True):
            if b is None:
                out.append([])
                continue
            n, w = len(b.rows), b.input_ids.shape[1]
            out.append(decode(b, start[at:at + n, :w], end[at:at + n, :w], list(texts), max_answer_tokens))
            at += n
        return out


@lru_cache(maxsize=4)
def _load(path: str, threads: int | None) -> Reader:
    return Reader(path, threads)


def load_reader(path: str | os.PathLike[str] | None = None, threads: int | None = None) -> Reader:
    """The process-wide :class:`Reader` for ``path`` (default: the repo's ``models/reader``; the answer path asks
    :func:`qa.model.get_reader`, which reads ``$QA_READER``)."""
    where = path or DEFAULT_DIR
    return _load(str(Path(where).resolve()), threads)

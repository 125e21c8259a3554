"""The ONNX backend: ``tokenizers`` + ONNX Runtime over the cached export, no torch at query time.

Encoding needs only onnxruntime, tokenizers and numpy, so a ``qa ask`` never imports torch,
transformers or sentence-transformers (cold start). The export (:mod:`qa.model.onnx_export`) is made
with torch the first time it is needed, normally during ``qa index``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

import qa.model.config as config
from qa.model.onnx_export import export_onnx, onnx_model_file
from qa.model.pooling import passage_sentences
from qa.model.quantize import int8_query_graph
from qa.types import Span

__all__ = ["OnnxEncoder", "load_onnx", "onnx_usable"]

log = logging.getLogger(__name__)


class OnnxEncoder:
    """Tokenizer + ONNX Runtime session for one exported model; implements :class:`qa.model.encoder.Encoder`.

    Not locked: the process's encoder (:func:`qa.model.get_encoder`) serialises calls.

    Attributes:
        name: The model's short name.
        dimension: Length of each vector.
        max_seq_length: Tokens seen per text.
        backend: ``"onnx"``.
        query_graph: ``"int8"`` when questions are encoded with ``query_file`` (:mod:`qa.model.quantize`),
            ``"fp32"`` when with ``file``; passages always with the fp32 graph.
    """

    backend = "onnx"

    def __init__(self, path: str, file: Path, query_file: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = config.read_json(file.parent / "meta.json")
        self.path = path
        self.name = config.model_name(path)
        self.max_seq_length = int(meta.get("max_seq_length") or config.max_seq_length(path))
        self.lower = config.do_lower_case(path)
        self.tokenizer = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        padding = self.tokenizer.padding or {}
        self.tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_type_id=padding.get("pad_type_id", 0),
                                      pad_token=padding.get("pad_token", "[PAD]"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # the ONNX Runtime analogue of OMP_WAIT_POLICY=PASSIVE: no spinning threads on shared cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._options, self._tokens_file = options, file.parent / "tokens.onnx"
        self._tokens_session: Any = None
        self.query_graph = "fp32" if query_file is None else "int8"
        self.session = ort.InferenceSession(str(query_file or file), sess_options=options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        outputs = {o.name: o for o in self.session.get_outputs()}
        dim = outputs["sentence_embedding"].shape[-1]
        self.dimension = int(dim) if isinstance(dim, int) else int(meta.get("dimension") or 0)

    def _prepare(self, texts: Sequence[str]) -> list[str]:
        texts = [str(t).strip() for t in texts]  # as sentence-transformers does
        return [t.lower() for t in texts] if self.lower else texts

    def _session(self, outputs: list[str]) -> Any:
        """The query graph, or (loaded on first use) the graph that also returns token vectors."""
        if "token_embeddings" not in outputs:
            return self.session
        if self._tokens_session is None:
            import onnxruntime as ort

            self._tokens_session = ort.InferenceSession(str(self._tokens_file), sess_options=self._options,
                                                        providers=["CPUExecutionProvider"])
        return self._tokens_session

    def _run(self, texts: list[str], outputs: list[str]) -> tuple[list, list[np.ndarray]]:
        """Tokenise one batch and run the graph: ``(encodings, [requested outputs])``."""
        encodings = self.tokenizer.encode_batch(texts)
        feed: dict[str, Any] = {
            "input_ids": np.asarray([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.asarray([e.attention_mask for e in encodings], dtype=np.int64),
        }
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.asarray([e.type_ids for e in encodings], dtype=np.int64)
        return encodings, self._session(outputs).run(outputs, {k: v for k, v in feed.items() if k in self.inputs})

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit vector per text, ``(len(texts), dimension)`` float32."""
        texts = self._prepare(texts)
        # sort by length so batches pad little, then restore the order (as sentence-transformers does)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), max(1, batch_size)):
            idx = order[start:start + batch_size]
            out[idx] = self._run([texts[i] for i in idx], ["sentence_embedding"])[1][0]
        return np.ascontiguousarray(out, dtype=np.float32)

    def encode_passages(self, texts: Sequence[str], spans: Sequence[Sequence[Span]], shifts: Sequence[int],
                        batch_size: int = 64) -> tuple[np.ndarray, list[np.ndarray]]:
        """See :meth:`qa.model.encoder.Encoder.encode_passages`; ``batch_size`` texts per model call."""
        passages = np.zeros((len(texts), self.dimension), dtype=np.float32)
        sentence_vecs: list[np.ndarray] = []
        for start in range(0, len(texts), max(1, batch_size)):
            batch = list(texts[start:start + batch_size])
            leads = [len(t) - len(t.lstrip()) for t in batch]
            encodings, (pooled, tokens) = self._run(self._prepare(batch), ["sentence_embedding", "token_embeddings"])
            for j, e in enumerate(encodings):
                i = start + j
                passages[i] = pooled[j]
                sentence_vecs.append(passage_sentences(tokens[j], np.asarray(e.offsets), np.asarray(e.attention_mask),
                                                       pooled[j], spans[i], shifts[i] - leads[j]))
        return passages, sentence_vecs

    def describe(self) -> dict:
        """Model, tokenizer settings and backend, for the index manifest."""
        return config.describe(self.path, self.dimension, self.max_seq_length, self.backend)


@lru_cache(maxsize=4)
def load_onnx(path: str | None = None) -> OnnxEncoder:
    """The ONNX encoder of a model, exporting it first if no export is cached (needs torch once)."""
    path = path or config.model_path()
    file = onnx_model_file(path)
    if not file.is_file():
        file = export_onnx(path)
    query = None
    if config.query_graph() == "int8":
        try:
            query = int8_query_graph(file)
        except Exception as exc:  # a read-only cache, a graph the quantiser cannot read...: fp32 still works
            log.warning("int8 question graph unavailable (%s); questions use the fp32 graph", exc)
    return OnnxEncoder(path, file, query)


@lru_cache(maxsize=8)
def onnx_usable(path: str) -> bool:
    """Whether the ONNX backend can encode with this model (exporting it now if needed)."""
    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("tokenizers") is None:
        return False
    if not (Path(path) / "tokenizer.json").is_file():
        return False
    if onnx_model_file(path).is_file():
        return True
    try:
        export_onnx(path)
    except Exception as exc:  # unsupported model, no torch/onnx, read-only cache...: the torch backend still works
        log.warning("ONNX backend unavailable (%s); encoding with torch", exc)
        return False
    return True

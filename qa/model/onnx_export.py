"""Export a sentence-transformers model to ONNX once, cached on disk (the only other torch user).

Two graphs take ``input_ids``, ``attention_mask`` (and ``token_type_ids`` when the model has them):
``model.onnx`` returns ``sentence_embedding`` (pooled, L2-normalised) for questions, and
``tokens.onnx`` also returns ``token_embeddings`` (the contextual token vectors sentence pooling
needs) for passages. Questions get the smaller graph: with the second output one question's
encoding took ~50% longer (7.5 vs 5 ms). The export lives in ``$QA_ONNX_CACHE`` under a key
derived from the model directory's path and files and the export version, and is written atomically:
a temporary directory fsynced and renamed into place, so a reader sees no export or a complete one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import qa.model.config as config

__all__ = ["EXPORT_VERSION", "export_key", "export_onnx", "onnx_model_file"]

log = logging.getLogger(__name__)

# Bumped whenever the exported graph changes (inputs, outputs, pooling, opset): old exports are ignored.
# 2: second output ``token_embeddings`` (sentence pooling without torch).
# 3: the query graph ``model.onnx`` without it, and ``tokens.onnx`` with it.
EXPORT_VERSION = "3"
_OPSET = 17
# Files of a sentence-transformers model directory whose content decides the exported graph.
_KEY_FILES = ("config.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json",
              "tokenizer.json", "model.safetensors", "pytorch_model.bin")


def _file_digest(path: Path) -> str:
    """sha256 of a file; for large ones (the weights) of its size, head and tail, so a query stays cheap."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with path.open("rb") as f:
        if size <= 4 << 20:
            h.update(f.read())
        else:
            h.update(f.read(1 << 20))
            f.seek(size - (1 << 20))
            h.update(f.read())
    return h.hexdigest()


@lru_cache(maxsize=8)
def export_key(path: str) -> str:
    """Cache key of a model directory's export: its path, its files' digests and the export format."""
    h = hashlib.sha256(f"v{EXPORT_VERSION}|opset{_OPSET}|{Path(path).resolve()}".encode())
    for name in _KEY_FILES:
        file = Path(path) / name
        if file.is_file():
            h.update(f"|{name}={_file_digest(file)}".encode())
    return h.hexdigest()[:24]


def onnx_model_file(path: str | None = None) -> Path:
    """Where the export of this model lives (whether or not it exists yet)."""
    path = path or config.model_path()
    return config.onnx_cache_dir() / export_key(path) / "model.onnx"


def _graph(model, pooling: str, tokens_out: bool):
    """The torch module to trace: the transformer, pooling and normalisation (plus the token vectors)."""
    import torch

    auto_model = model[0].auto_model

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = auto_model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
            tokens = self.model(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state
            if pooling == "cls":
                pooled = tokens[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2.0, dim=1)
            return (pooled, tokens) if tokens_out else pooled

    return Pooled().eval()


def export_onnx(path: str | None = None) -> Path:
    """Export the model to ONNX once; return the cached file.

    Of two processes exporting at once, the second's copy is dropped.

    Raises:
        ConfigError: The model's pooling is not supported.
    """
    path = path or config.model_path()
    final = onnx_model_file(path)
    if final.is_file():
        return final
    pooling = config.pooling_mode(path)
    from qa.model import torch_encoder

    model = torch_encoder.load_model(path)
    import torch

    transformer = model[0]
    embeddings = getattr(transformer.auto_model, "embeddings", None)
    use_token_types = getattr(embeddings, "token_type_embeddings", None) is not None
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if use_token_types else [])
    example = tuple(torch.ones((2, 8), dtype=torch.long) if n != "token_type_ids"
                    else torch.zeros((2, 8), dtype=torch.long) for n in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["sentence_embedding"] = {0: "batch"}
    axes["token_embeddings"] = {0: "batch", 1: "sequence"}
    final.parent.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.parent.name}.tmp-", dir=final.parent.parent))
    try:
        log.info("exporting %s to ONNX at %s (once)", path, final)
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            for file, outputs in (("model.onnx", ["sentence_embedding"]),
                                  ("tokens.onnx", ["sentence_embedding", "token_embeddings"])):
                torch.onnx.export(_graph(model, pooling, len(outputs) > 1), example, str(tmp / file),
                                  input_names=names, output_names=outputs,
                                  dynamic_axes={k: v for k, v in axes.items() if k in names or k in outputs},
                                  opset_version=_OPSET, dynamo=False)
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        meta = {"model_path": path, "model_name": config.model_name(path), "pooling": pooling, "inputs": names,
                "max_seq_length": int(getattr(transformer, "max_seq_length", None) or config.max_seq_length(path)),
                "dimension": int(getter()), "torch": torch.__version__, "export_version": EXPORT_VERSION}
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        for file in tmp.iterdir():
            with file.open("rb") as f:
                os.fsync(f.fileno())
        try:
            os.rename(tmp, final.parent)
        except OSError:  # another process finished first: keep its export
            if not final.is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final

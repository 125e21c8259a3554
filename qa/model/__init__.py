"""The embedding model behind one :class:`~qa.model.encoder.Encoder` object per process.

Everything that needs vectors calls :func:`get_encoder` (questions: ``encode``; index builds:
``encode_passages`` and ``describe``). Nothing outside this package imports torch,
sentence-transformers or onnxruntime, or runs the model. Modules:

* :mod:`qa.model.config`: model path and name, backend choice, export cache (environment).
* :mod:`qa.model.packaged`: :class:`ModelEncoder`, the configured model (query + bulk backends, one lock).
* :mod:`qa.model.onnx_encoder`, :mod:`qa.model.torch_encoder`: the two backends (same vectors).
* :mod:`qa.model.onnx_export`: the cached ONNX export.
* :mod:`qa.model.pooling`: sentence vectors from token vectors (numpy).
* :mod:`qa.model.reader`: the trained extractive reader (ONNX Runtime), :func:`get_reader`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import qa.model.config as config
from qa.config import Config, library_defaults
from qa.model.encoder import Encoder
from qa.model.packaged import ModelEncoder
from qa.model.reader import Reader, load_reader

# OpenMP threads that spin while waiting stall a shared machine: passive waiting must be set before torch
# (or faiss) loads its OpenMP runtime, hence at import of this package (qa.config.LIBRARY_DEFAULTS).
library_defaults("openmp")

__all__ = ["Encoder", "ModelEncoder", "Reader", "get_encoder", "get_reader", "use_encoder"]

_lock = threading.Lock()
_encoder: Encoder | None = None
_override: list[Encoder] = []


def get_encoder() -> Encoder:
    """The process's encoder: the configured model, created once (the one set by :func:`use_encoder` inside it).

    Creating it loads nothing: each backend loads on its first use.

    Raises:
        ConfigError: ``$QA_MODEL`` or ``$QA_BACKEND`` name something unusable.
    """
    global _encoder
    if _override:
        return _override[-1]
    with _lock:
        if _encoder is None:
            _encoder = ModelEncoder()
        return _encoder


@contextmanager
def use_encoder(encoder: Encoder) -> Iterator[Encoder]:
    """Use ``encoder`` instead of the configured model inside the block (tests, other models).

    Args:
        encoder: Any :class:`Encoder` (e.g. ``tests.fakes.FakeEncoder``).
    """
    _override.append(encoder)
    try:
        yield encoder
    finally:
        _override.remove(encoder)


def get_reader(configured: Config | None = None) -> Reader | None:
    """The extractive reader of ``configured`` (default: the environment's, :func:`~qa.model.config.reader_path`),
    loaded once per process; None when ``QA_READER=none``.

    Raises:
        ConfigError: ``$QA_READER`` names no reader directory.
    """
    where = config.reader_path(configured)
    return None if where is None else load_reader(where)

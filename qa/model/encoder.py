"""The encoder protocol: the one object that runs the embedding model.

Everything that needs vectors (index builds, questions) asks :func:`get_encoder` for the process's
encoder and calls its methods; nothing else loads the model or touches its lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from qa.types import Span


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors.

    Attributes:
        name: The model's short name, recorded in the index manifest (vectors of two names never mix).
        dimension: Length of each vector.
    """

    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, ``(len(texts), dimension)`` float32."""
        ...

    def encode_passages(self, texts: Sequence[str], spans: Sequence[Sequence[Span]], shifts: Sequence[int]
                        ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Passage vectors and per-sentence vectors from one model pass per text.

        Args:
            texts: The embedded texts (title + newline + paragraph).
            spans: Sentence spans of each paragraph, in paragraph coordinates.
            shifts: Where the paragraph starts inside each embedded text.
        """
        ...

    def describe(self) -> dict:
        """What decides the vectors, recorded in the index manifest.

        Returns:
            At least ``model`` (name), ``model_path``, ``dimension`` and ``tokenizer`` (a dict of its
            settings; the packaged model's: file, sha256, max_seq_length, do_lower_case, truncation),
            plus ``backend`` for the packaged model. Vectors are reused across builds only when
            model, dimension and tokenizer are equal.
        """
        ...
